/**
 * Nearest chunks by vector, as the vector_io provider that made Llama Stack 0.2's
 * recordings (faiss, `IndexFlatL2`) finds them: squared L2 distance over float32
 * vectors, the `k` nearest in order, each scored `1 / distance` (for unit vectors,
 * 1 / (2 - 2·cosine): a monotone function of cosine similarity). Each
 * store's vectors are held in memory as one Float32Array, reloaded from SQLite when the
 * store's revision moves, so a search scans memory rather than reading every blob.
 */
import type { VectorStoreDb } from "./store.ts";

export interface Neighbour {
  /** The chunk's row in SQLite. */
  seq: number;
  /** Squared Euclidean distance. */
  distance: number;
  score: number;
}

interface LoadedStore {
  revision: number;
  dimension: number;
  seqs: Float64Array;
  vectors: Float32Array;
  /** Each vector's squared length, so that a search needs only dot products. */
  norms: Float64Array;
}

export class VectorIndex {
  readonly #db: VectorStoreDb;
  readonly #loaded = new Map<string, LoadedStore>();

  constructor(db: VectorStoreDb) {
    this.#db = db;
  }

  /** The `k` chunks of `storeId` nearest to `query`, nearest first (ties in insertion order). */
  nearest(storeId: string, query: Float32Array, k: number): Neighbour[] {
    const store = this.#load(storeId);
    if (!store || store.seqs.length === 0 || k <= 0) return [];
    if (query.length !== store.dimension) {
      throw new RangeError(
        `The query embedding has ${query.length} dimensions and the vector store's chunks have ${store.dimension}.`,
      );
    }
    const { vectors, norms, seqs, dimension } = store;
    let queryNorm = 0;
    for (let i = 0; i < dimension; i++) queryNorm += (query[i] as number) * (query[i] as number);
    // The best k so far, sorted by distance: k is small (Llama Stack asks for 5 × max_num_results).
    const best: Array<{ index: number; squared: number }> = [];
    const unrolled = dimension - (dimension % 4);
    for (let row = 0, offset = 0; row < seqs.length; row++, offset += dimension) {
      // |v - q|² = |v|² + |q|² - 2 v·q: one multiply-add per coordinate, in four lanes.
      let dot0 = 0;
      let dot1 = 0;
      let dot2 = 0;
      let dot3 = 0;
      let i = 0;
      for (; i < unrolled; i += 4) {
        dot0 += (vectors[offset + i] as number) * (query[i] as number);
        dot1 += (vectors[offset + i + 1] as number) * (query[i + 1] as number);
        dot2 += (vectors[offset + i + 2] as number) * (query[i + 2] as number);
        dot3 += (vectors[offset + i + 3] as number) * (query[i + 3] as number);
      }
      for (; i < dimension; i++) dot0 += (vectors[offset + i] as number) * (query[i] as number);
      const squared = Math.max(0, (norms[row] as number) + queryNorm - 2 * (dot0 + dot1 + dot2 + dot3));
      if (best.length === k && squared >= (best[k - 1] as { squared: number }).squared) continue;
      let at = best.length;
      while (at > 0 && (best[at - 1] as { squared: number }).squared > squared) at--;
      best.splice(at, 0, { index: row, squared });
      if (best.length > k) best.pop();
    }
    return best.map(({ index, squared }) => {
      // faiss reports the (squared) distance as a float32.
      const distance = Math.fround(squared);
      return {
        seq: seqs[index] as number,
        distance,
        score: distance === 0 ? Number.POSITIVE_INFINITY : 1 / distance,
      };
    });
  }

  /** Drops what is held for a store (deleted, or about to change outside SQLite's triggers). */
  forget(storeId: string): void {
    this.#loaded.delete(storeId);
  }

  #load(storeId: string): LoadedStore | undefined {
    const current = this.#db.revision(storeId);
    if (!current) {
      this.#loaded.delete(storeId);
      return undefined;
    }
    const held = this.#loaded.get(storeId);
    if (held && held.revision === current.revision) return held;
    const rows = this.#db.vectors(storeId);
    const dimension = current.embedding_dimension ?? (rows[0] ? rows[0].embedding.byteLength / 4 : 0);
    const vectors = new Float32Array(rows.length * dimension);
    const seqs = new Float64Array(rows.length);
    // Byte-wise: a blob's buffer offset need not be a multiple of 4.
    const bytes = new Uint8Array(vectors.buffer);
    rows.forEach((row, index) => {
      bytes.set(row.embedding.subarray(0, dimension * 4), index * dimension * 4);
      seqs[index] = row.seq;
    });
    const norms = new Float64Array(rows.length);
    for (let row = 0; row < rows.length; row++) {
      let sum = 0;
      for (let i = row * dimension; i < (row + 1) * dimension; i++)
        sum += (vectors[i] as number) * (vectors[i] as number);
      norms[row] = sum;
    }
    const loaded = { revision: current.revision, dimension, seqs, vectors, norms };
    this.#loaded.set(storeId, loaded);
    return loaded;
  }
}
