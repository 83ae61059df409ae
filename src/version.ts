// build.ts bakes these in with --define; running from source reports the package version and "source".
declare const BERTH_BUILD_VERSION: string | undefined;
declare const BERTH_BUILD_COMMIT: string | undefined;

import packageJson from "../package.json" with { type: "json" };

export const VERSION: string = typeof BERTH_BUILD_VERSION === "string" ? BERTH_BUILD_VERSION : packageJson.version;
export const COMMIT: string = typeof BERTH_BUILD_COMMIT === "string" ? BERTH_BUILD_COMMIT : "source";
