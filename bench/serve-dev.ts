// For profiling by hand (not part of the bench run): the bench zone behind Knot+Unbound, kept until SIGINT; prints the Unbound port.
import {generate} from './gen-zone.js';
import {startServers} from './servers.js';
import {installCleanup} from './procs.js';
import {writeFileSync} from 'node:fs';
installCleanup();
const dir = process.argv[2] ?? '/tmp/exp/serve';
const n = Number(process.argv[3] ?? 100000);
const fixture = await generate(n, dir);
const servers = await startServers(dir, fixture.zoneFile);
writeFileSync(`${dir}/port`, String(servers.unbound.port));
console.log(JSON.stringify({port: servers.unbound.port, names: fixture.namesFile, queries: fixture.queriesFile}));
setInterval(() => {}, 1 << 30);
