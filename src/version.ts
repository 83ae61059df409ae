// build.ts bakes these in with --define; running from source reports the package version and "source".
declare const BERTH_BUILD_VERSION: string | undefined;
declare const BERTH_BUILD_COMMIT: string | undefined;
declare const BERTH_BUILD_DATE: string | undefined;
declare const BERTH_BUILD_TARGET: string | undefined;

import packageJson from "../package.json" with { type: "json" };

export const VERSION: string = typeof BERTH_BUILD_VERSION === "string" ? BERTH_BUILD_VERSION : packageJson.version;
export const COMMIT: string = typeof BERTH_BUILD_COMMIT === "string" ? BERTH_BUILD_COMMIT : "source";
/** When the binary was built (UTC, ISO 8601; SOURCE_DATE_EPOCH when set, for reproducible builds); null from source. */
export const BUILD_DATE: string | null = typeof BERTH_BUILD_DATE === "string" ? BERTH_BUILD_DATE : null;
/** Bun's compile target, e.g. bun-linux-x64 or bun-linux-arm64-musl; "source" when run by bun itself. */
export const BUILD_TARGET: string = typeof BERTH_BUILD_TARGET === "string" ? BERTH_BUILD_TARGET : "source";
