type TypedArray = Int32Array | Float32Array | Float64Array;

/** Views of one kind of typed array, cut from blocks of at least `blockLength` elements. */
class Blocks<T extends TypedArray> {
  private block: T;
  private used = 0;

  constructor(
    private readonly make: (length: number) => T,
    private readonly blockLength: number,
  ) {
    this.block = make(0);
  }

  take(length: number): T {
    if (this.used + length > this.block.length) {
      this.block = this.make(Math.max(this.blockLength, length));
      this.used = 0;
    }
    const view = this.block.subarray(this.used, this.used + length) as T;
    this.used += length;
    return view;
  }
}

/**
 * Hands out small typed arrays as views into large shared blocks. A run over 100 000 reports makes
 * several small arrays per report; each one made on its own is a separate memory block V8 allocates,
 * tracks and sweeps at every collection, which cost more than the arithmetic on them. A view keeps its
 * whole block alive, so an arena is for arrays that live about as long as each other (one run's vectors).
 */
export class TypedArena {
  private readonly int32s: Blocks<Int32Array>;
  private readonly float32s: Blocks<Float32Array>;
  private readonly float64s: Blocks<Float64Array>;

  constructor(blockLength = 1 << 16) {
    this.int32s = new Blocks((length) => new Int32Array(length), blockLength);
    this.float32s = new Blocks((length) => new Float32Array(length), blockLength);
    this.float64s = new Blocks((length) => new Float64Array(length), blockLength);
  }

  /** A zeroed Int32Array of this length. */
  int32(length: number): Int32Array {
    return this.int32s.take(length);
  }

  /** A zeroed Float32Array of this length. */
  float32(length: number): Float32Array {
    return this.float32s.take(length);
  }

  /** A zeroed Float64Array of this length. */
  float64(length: number): Float64Array {
    return this.float64s.take(length);
  }
}
