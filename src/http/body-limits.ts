/**
 * Largest request body of an ordinary route. The app's JSON bodies are a few KB; a bigger body is
 * refused with 413 after reading at most this much, before any parsing.
 */
export const JSON_BODY_LIMIT = 64 * 1024

/** Body limit of a JSON route carrying up to `images` base64 images of at most `maxBytes` each. */
export const base64ImagesBodyLimit = (maxBytes: number, images: number) =>
  images * Math.ceil(maxBytes / 3) * 4 + JSON_BODY_LIMIT
