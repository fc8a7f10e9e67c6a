/**
 * Inbank API hosts per environment and country, as Inbank's public material gives them. Lithuania's are
 * not published (Lithuanian shops may be served through another API): a Lithuanian credential must give
 * the Base URL Inbank gave the shop, and the API key is never sent to a guessed host.
 */
export const COUNTRIES = ['ee', 'lv', 'lt', 'pl', 'cz'] as const;
export type Country = (typeof COUNTRIES)[number];

export const ENVIRONMENTS = ['demo', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Countries without a published host: Base URL is required. */
export const BASE_URL_REQUIRED_COUNTRIES: readonly Country[] = ['lt'];

export const HOSTS: Record<Environment, Partial<Record<Country, string>>> = {
	demo: {
		ee: 'https://demo-api.inbank.ee',
		lv: 'https://demo-api.inbank.lv',
		pl: 'https://demo-api.inbank.pl',
		cz: 'https://demo-api.inbank.cz',
	},
	production: {
		ee: 'https://api.inbank.ee',
		lv: 'https://api.inbank.lv',
		pl: 'https://api.inbank.pl',
		cz: 'https://api.inbank.cz',
	},
};

interface InbankCredentials {
	apiKey: string;
	environment: Environment;
	country: Country;
	shopUuid: string;
	baseUrl?: string;
}

/**
 * The custom base URL when set (trailing slashes removed), else the host for environment + country;
 * undefined for a country without a published host (Base URL required).
 */
export function resolveBaseUrl(credentials: Pick<InbankCredentials, 'environment' | 'country' | 'baseUrl'>): string | undefined {
	const custom = (credentials.baseUrl ?? '').trim();
	if (custom) return custom.replace(/\/+$/, '');
	return HOSTS[credentials.environment][credentials.country];
}

/**
 * Whether an http:// Base URL may name this host without the credential's Allow Unencrypted HTTP: this
 * machine (localhost, 127.0.0.0/8, ::1) or a private network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16,
 * IPv6 fc00::/7). Only addresses count, and the one name localhost: any other name (even *.local or
 * *.internal) is resolved by DNS and may lead anywhere. `hostname` is a WHATWG URL's hostname, in which
 * IPv4 is always dotted decimal and IPv6 bracketed and compressed.
 */
export function isLocalNetworkHost(hostname: string): boolean {
	const host = hostname.toLowerCase();
	if (host === 'localhost') return true;
	const ipv4 = parseIpv4(host);
	if (ipv4) return isPrivateIpv4(ipv4);
	if (!host.startsWith('[') || !host.endsWith(']')) return false;
	const ipv6 = parseIpv6(host.slice(1, -1));
	if (!ipv6) return false;
	if (ipv6.slice(0, 7).every((group) => group === 0) && ipv6[7] === 1) return true;
	if ((ipv6[0] & 0xfe00) === 0xfc00) return true;
	// IPv4-mapped (::ffff:a.b.c.d): the IPv4 rule applies.
	if (ipv6.slice(0, 5).every((group) => group === 0) && ipv6[5] === 0xffff) {
		return isPrivateIpv4([ipv6[6] >> 8, ipv6[6] & 0xff, ipv6[7] >> 8, ipv6[7] & 0xff]);
	}
	return false;
}

function parseIpv4(host: string): number[] | undefined {
	if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return undefined;
	const octets = host.split('.').map(Number);
	return octets.every((octet) => octet <= 255) ? octets : undefined;
}

function isPrivateIpv4([a, b]: number[]): boolean {
	return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** Eight 16-bit groups of an IPv6 address in hex notation (as WHATWG URL writes it), or undefined. */
function parseIpv6(text: string): number[] | undefined {
	const halves = text.split('::');
	if (halves.length > 2) return undefined;
	const groups = (part: string) => (part === '' ? [] : part.split(':'));
	const head = groups(halves[0]);
	const tail = halves.length === 2 ? groups(halves[1]) : [];
	const missing = 8 - head.length - tail.length;
	if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
	const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
	if (!all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
	return all.map((group) => parseInt(group, 16));
}

/**
 * The cleartext rule as a pattern on the Base URL's text, for the credential test's expression (n8n
 * expressions have no URL parser). Stricter than isLocalNetworkHost: only the forms a URL parser leaves
 * unchanged pass (dotted decimal, localhost, [::1], [fcXX:…]/[fdXX:…]); a user:password@ is skipped up to
 * its last @, as URL parsers do.
 */
const LOCAL_HTTP_URL =
	/^http:\/\/(?:[^/?#\\\s]*@)?(?:localhost|127(?:\.\d{1,3}){3}|10(?:\.\d{1,3}){3}|192\.168(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2}|\[::1\]|\[f[cd][0-9a-f]{2}:[0-9a-f:]*\])(?::\d{1,5})?(?:[/?#]|$)/i;

/**
 * The same choice as resolveBaseUrl, as an n8n expression for the credential test (which runs
 * without our code). Generated from HOSTS so both can never disagree.
 */
function hostChoiceExpression(): string {
	const byCountry = (environment: Environment) =>
		COUNTRIES.reduceRight(
			(otherwise, country) =>
				`($credentials.country === '${country}' ? '${HOSTS[environment][country] ?? ''}' : ${otherwise})`,
			"''",
		);
	return `($credentials.environment === 'production' ? ${byCountry('production')} : ${byCountry('demo')})`;
}

const CUSTOM = "($credentials.baseUrl || '').trim()";

/**
 * The credential test's base URL. A custom http:// Base URL that the node would refuse (see
 * isLocalNetworkHost), and no Base URL for a country without a published host, become '' instead: n8n
 * then cannot build a URL and sends nothing.
 */
export const BASE_URL_EXPRESSION = `={{ ${CUSTOM} ? (($credentials.allowUnencryptedHttp === true || new RegExp('^https://', 'i').test(${CUSTOM}) || new RegExp(${JSON.stringify(LOCAL_HTTP_URL.source)}, 'i').test(${CUSTOM})) ? ${CUSTOM}.replace(new RegExp('/+$'), '') : '') : ${hostChoiceExpression()} }}`;
