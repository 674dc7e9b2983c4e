// Defined as `true` by the bundler in the built service (scripts/build-service.mjs); undeclared from the sources.
declare const __ONRECORD_BUILT__: boolean | undefined;
