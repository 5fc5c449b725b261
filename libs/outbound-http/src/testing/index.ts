// Test support for code that calls out through OutboundClient (webhooks, sync): not for production imports.
export { selfSignedCertificate, startTestServer, type TestCertificate, type TestHandler, type TestServer } from './test-servers';
export { streamedBody } from './streamed-body';
