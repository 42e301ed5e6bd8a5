// `express4` is an npm alias of express@4 (a dev dependency for the receiver tests); it ships no
// types of its own, and its API as used by the tests is the one @types/express describes.
declare module 'express4' {
  import express from 'express';
  export default express;
}
