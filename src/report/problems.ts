// One table from problem kinds to words (dog's "erroneous phase" idea): what went wrong, in one line.
import type {LookupProblem} from '../resolve/types.js';

export function describeProblem(problem: LookupProblem): string {
	switch (problem.kind) {
		case 'cname-loop':
			return `CNAME loop back to ${problem.at}`;
		case 'chain-too-long':
			return `CNAME chain longer than ${problem.hops} hops; stopped`;
		case 'malformed-reply':
			return `malformed reply: ${problem.detail}`;
		case 'rcode':
			return `server answered ${problem.rcode}`;
		case 'network':
			return `network: ${problem.detail}`;
		case 'timeout':
			return `no reply after ${problem.tries} ${problem.tries === 1 ? 'try' : 'tries'}`;
		case 'invalid-name':
			return `invalid name: ${problem.detail}`;
	}
}
