import { bodyLimit } from "hono/body-limit";
import { CSV_BODY_LIMIT } from "../csv/read.ts";
import { PayloadTooLarge } from "../errors.ts";

/** CSV uploads: bodies above CSV_BODY_LIMIT are refused with 413 as they stream. */
export const csvLimit = bodyLimit({
  maxSize: CSV_BODY_LIMIT,
  onError: () => {
    throw new PayloadTooLarge(`The file is larger than ${CSV_BODY_LIMIT} bytes.`);
  },
});
