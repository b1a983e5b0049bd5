// Small string helpers shared by routes and domain code.

/** Rails' `blank?` for a string that may be missing: null, undefined, empty or whitespace only. */
export const isBlank = (value: string | null | undefined): value is null | undefined | "" =>
  value === null || value === undefined || value.trim() === "";
