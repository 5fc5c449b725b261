// The gateway's abuse limits: what other gateway areas (the batch create route) may use.
export { RateLimits, rateLimitedProblem, type Drawn } from './rate-limits';
export { CountsAsCreate } from './request-limits';
export { limitProblems } from './limit-problems';
export { RunningLimits } from './running-limits';
