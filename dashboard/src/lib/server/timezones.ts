/** Every IANA time zone this server knows, for the time zone pickers. */
export const TIME_ZONES: string[] = Intl.supportedValuesOf("timeZone");
