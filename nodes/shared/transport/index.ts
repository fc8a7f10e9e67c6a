// The transport's public face, for the action node and the trigger: the credential as a connection
// (connection.ts), one request with its retries (request.ts), the wording of failures (errors.ts).
export { getInbankConnection, type InbankConnection } from './connection';
export {
	DEFAULT_RETRY_POLICY,
	DEFAULT_TIMEOUT_MS,
	inbankApiRequest,
	type InbankRequest,
	type InbankResponse,
	type RetryPolicy,
} from './request';
