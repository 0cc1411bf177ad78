/**
 * The `source` written into every Failure. It names the SDK family whose
 * classes the failure maps to: ours are the TypeScript SDK's classes, so
 * tools that switch on this value treat our failures as theirs.
 */
export const FAILURE_SOURCE = "TypeScriptSDK";
