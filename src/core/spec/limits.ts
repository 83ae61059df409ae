// Bounds that turn typos (d40000000) into clear refusals instead of absurd plans.
export const MAX_DIMENSION = 65536;
export const MAX_COMPONENT_GPUS = 65536;
export const MAX_SPEC_LENGTH = 4096;
