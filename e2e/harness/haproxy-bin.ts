/**
 * The HAProxy binary the end-to-end tests run: `$HAPROXY_BIN` when set (the test command
 * runs part of the suite again on HAProxy 3.0 that way), else `haproxy` from the PATH.
 */
export const HAPROXY_BIN = process.env.HAPROXY_BIN || 'haproxy';
