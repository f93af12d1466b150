// The image layer: the AMI the app servers boot from.
export * from "./appImage";
export { AMI_ID_PATTERN, appImageProblems, imageSource } from "./validate";
export type { ImageSource } from "./validate";
