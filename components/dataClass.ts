// How a resource of a data type (a secret, a bucket, ...) declares that losing it loses nothing:
// its content is regenerated with the resources that use it. The promotion diff (ops/diff)
// reads this tag; only a component that creates both the holder and its only user may set it.

/**
 * The tag key. `"regenerable"`: losing it loses nothing. `"logs"`: evidence of one region's
 * traffic, kept there (not replicated to dr) and still data to the promotion diff.
 */
export const DATA_CLASS_TAG = "pilot-light:data-class";
