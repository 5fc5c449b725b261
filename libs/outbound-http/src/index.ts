export { classifyAddress, describeRange, isPublicAddress, type AddressClass } from './address/public-address';
export { assertPublicAddress, checkTargetUrl, type TargetPolicy } from './target-url';
export {
  OutboundClient,
  type OutboundClientOptions,
  type OutboundMethod,
  type OutboundRequestOptions,
  type OutboundResponse,
} from './outbound-client';
export type { ResolveHost, ResolvedAddress } from './guarded-connector';
export { discardBody, readBodyPrefix } from './body';
export {
  OutboundError,
  OutboundNetworkError,
  OutboundTimeoutError,
  TargetRefusedError,
  TooManyRedirectsError,
  type TargetRefusedReason,
  type TimeoutPhase,
} from './errors';
