import { bodyLimit } from "hono/body-limit";
import { PayloadTooLarge } from "../errors.ts";

/** CSV uploads are refused above this size (and row count: csv/read.ts). */
export const CSV_BODY_LIMIT = 10 * 1024 * 1024;

/** CSV uploads: bodies above CSV_BODY_LIMIT are refused with 413 as they stream. */
export const csvLimit = bodyLimit({
  maxSize: CSV_BODY_LIMIT,
  onError: () => {
    throw new PayloadTooLarge(`The file is larger than ${CSV_BODY_LIMIT} bytes.`);
  },
});
