// Well-formed text: the one zod refinement every text input uses (no lone surrogates), and the check behind it.
export { hasLoneSurrogate, isWellFormedText, NOT_WELL_FORMED, text } from "./well-formed";
