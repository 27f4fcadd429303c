// Types for dns-packet's type and class tables (CommonJS modules that @types/dns-packet does not describe).
declare module 'dns-packet/types.js' {
	const types: {toString(code: number): string; toType(name: string): number};
	export default types;
}
declare module 'dns-packet/classes.js' {
	const classes: {toString(code: number): string; toClass(name: string): number};
	export default classes;
}

declare module 'dns-packet/rcodes.js' {
	const rcodes: {toString(code: number): string; toRcode(name: string): number};
	export default rcodes;
}
