// SCIM "binary" values (RFC 7643 section 2.3.6) are base64 as RFC 4648 section 4 defines it:
// the standard alphabet, padded to a multiple of four, no line breaks. Checked on the way in so
// that what is stored is always decodable.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isBase64(text: string): boolean {
  return text.length > 0 && BASE64.test(text);
}
