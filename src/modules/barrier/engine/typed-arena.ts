/**
 * Hands out small typed arrays as views into large shared blocks. A run over 100 000 reports makes
 * several small arrays per report; each one made on its own is a separate memory block V8 allocates,
 * tracks and sweeps at every collection, which cost more than the arithmetic on them. A view keeps its
 * whole block alive, so an arena is for arrays that live about as long as each other (one run's vectors).
 */
export class TypedArena {
  private int32Block = new Int32Array(0);
  private int32Used = 0;
  private float32Block = new Float32Array(0);
  private float32Used = 0;
  private float64Block = new Float64Array(0);
  private float64Used = 0;

  constructor(private readonly blockLength = 1 << 16) {}

  /** A zeroed Int32Array of this length. */
  int32(length: number): Int32Array {
    if (this.int32Used + length > this.int32Block.length) {
      this.int32Block = new Int32Array(Math.max(this.blockLength, length));
      this.int32Used = 0;
    }
    const view = this.int32Block.subarray(this.int32Used, this.int32Used + length);
    this.int32Used += length;
    return view;
  }

  /** A zeroed Float32Array of this length. */
  float32(length: number): Float32Array {
    if (this.float32Used + length > this.float32Block.length) {
      this.float32Block = new Float32Array(Math.max(this.blockLength, length));
      this.float32Used = 0;
    }
    const view = this.float32Block.subarray(this.float32Used, this.float32Used + length);
    this.float32Used += length;
    return view;
  }

  /** A zeroed Float64Array of this length. */
  float64(length: number): Float64Array {
    if (this.float64Used + length > this.float64Block.length) {
      this.float64Block = new Float64Array(Math.max(this.blockLength, length));
      this.float64Used = 0;
    }
    const view = this.float64Block.subarray(this.float64Used, this.float64Used + length);
    this.float64Used += length;
    return view;
  }
}
