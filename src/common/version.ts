/** Sent as the `client-version` header; kept in step with package.json by a test. */
export const VERSION = "0.1.0";

/** Sent as the `client-name` header so server logs can tell our calls apart. */
export const CLIENT_NAME = "temporal-edge-worker";
