/**
 * Inbank API hosts per environment and country (../shared/inbank/api-facts.md). Lithuania's hosts are
 * not published; they follow the pattern of the others and the credential says so.
 */
export const COUNTRIES = ['ee', 'lv', 'lt', 'pl', 'cz'] as const;
export type Country = (typeof COUNTRIES)[number];

export const ENVIRONMENTS = ['demo', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const UNCONFIRMED_HOST_COUNTRIES: readonly Country[] = ['lt'];

export const HOSTS: Record<Environment, Record<Country, string>> = {
	demo: {
		ee: 'https://demo-api.inbank.ee',
		lv: 'https://demo-api.inbank.lv',
		lt: 'https://demo-api.inbank.lt',
		pl: 'https://demo-api.inbank.pl',
		cz: 'https://demo-api.inbank.cz',
	},
	production: {
		ee: 'https://api.inbank.ee',
		lv: 'https://api.inbank.lv',
		lt: 'https://api.inbank.lt',
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

/** The custom base URL when set (trailing slashes removed), else the host for environment + country. */
export function resolveBaseUrl(credentials: Pick<InbankCredentials, 'environment' | 'country' | 'baseUrl'>): string {
	const custom = (credentials.baseUrl ?? '').trim();
	if (custom) return custom.replace(/\/+$/, '');
	return HOSTS[credentials.environment][credentials.country];
}

/**
 * The same choice as resolveBaseUrl, as an n8n expression for the credential test (which runs
 * without our code). Generated from HOSTS so both can never disagree. n8n's expression syntax does
 * not allow object literals inside {{ }}, hence the chain of conditions.
 */
function hostChoiceExpression(): string {
	const byCountry = (environment: Environment) =>
		COUNTRIES.reduceRight(
			(otherwise, country) =>
				`($credentials.country === '${country}' ? '${HOSTS[environment][country]}' : ${otherwise})`,
			"''",
		);
	return `($credentials.environment === 'production' ? ${byCountry('production')} : ${byCountry('demo')})`;
}

export const BASE_URL_EXPRESSION = `={{ ($credentials.baseUrl || '').trim() ? ($credentials.baseUrl || '').trim().replace(new RegExp('/+$'), '') : ${hostChoiceExpression()} }}`;
