/**
 * A reason the server takes for a void, an acceptance or a refusal (the API's
 * `reasonText`): 2 to 500 characters once trimmed. Two, because "退卡" or "重复" is a
 * whole reason in Chinese.
 */
export const REASON_MIN = 2;
/** Also the most a handover's or a reassignment's reason takes (there one character is enough). */
export const REASON_MAX = 500;

export const reasonFits = (text: string) => {
  const n = text.trim().length;
  return n >= REASON_MIN && n <= REASON_MAX;
};
