// How a resource of a data type (a secret, a bucket, ...) declares that losing it loses nothing:
// its content is regenerated with the resources that use it. The promotion diff (ops/diff)
// reads this tag; only a component that creates both the holder and its only user may set it.

/** The tag key; its one allowed value is `"regenerable"`. */
export const DATA_CLASS_TAG = "pilot-light:data-class";
