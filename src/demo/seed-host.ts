// The seed's EC2 box as a what-if source map: IPv6 through the sit1 tunnel, IPv4 on eth0.
import {parseWhatIf, type WhatIf} from '../host/what-if.js';

/**
 * From the field report: `sit1` carries 2001:470:1f1c:666::2/64 and the ::/0 route (a 6in4 tunnel,
 * so not native); `eth0` has 10.104.229.189 (EC2-Classic private address; /26 is an assumption).
 */
export const seedHostWhatIf: WhatIf = parseWhatIf(
	JSON.stringify({
		sources: {'::/0': '2001:470:1f1c:666::2', '0.0.0.0/0': '10.104.229.189'},
		attrs: {
			'2001:470:1f1c:666::2': {deprecated: false, home: false, native: false, prefixLen: 64, interface: 'sit1'},
			'10.104.229.189': {deprecated: false, home: false, native: true, prefixLen: 26, interface: 'eth0'},
		},
	}),
);
