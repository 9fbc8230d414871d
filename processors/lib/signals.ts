// Varied BUY/SELL signals like a TradingView alert: alternating actions, a few
// symbols, a random-walk price and unique ids. Seeded, so a run can be replayed.
export type Action = 'BUY' | 'SELL';

export interface Signal {
  signal_id: string;
  action: Action;
  symbol: string;
  quantity: number;
  price: number;
  comment: string;
  timestamp: string;
}

export interface SignalGenerator {
  next(nowMs: number): Signal;
}

export const DEFAULT_SYMBOLS: readonly string[] = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'AAPL', 'EURUSD'];

/** mulberry32: a small, fast PRNG with a 32-bit seed; enough to vary payloads reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratorOptions {
  seed: number;
  /** Distinguishes generators running at once (worker threads), so ids never collide. */
  stream: string;
  /** Written into every signal's comment, so streams running at once never send the same content. */
  tag?: string;
  symbols?: readonly string[];
}

export function createSignalGenerator(opts: GeneratorOptions): SignalGenerator {
  const random = seededRandom(opts.seed);
  const symbols = opts.symbols && opts.symbols.length > 0 ? opts.symbols : DEFAULT_SYMBOLS;
  const prices = new Map<string, number>(symbols.map((s, i) => [s, 100 * (i + 1)]));
  let sequence = 0;
  return {
    next(nowMs) {
      const symbol = symbols[Math.floor(random() * symbols.length)] ?? 'BTCUSDT';
      // Random walk of at most +-0.5 % a step, rounded to cents and never below one.
      const last = prices.get(symbol) ?? 100;
      const price = Math.max(1, Math.round(last * (1 + (random() - 0.5) / 100) * 100) / 100);
      prices.set(symbol, price);
      const action: Action = sequence % 2 === 0 ? 'BUY' : 'SELL';
      const signal: Signal = {
        signal_id: `${opts.stream}-${sequence}`,
        action,
        symbol,
        quantity: Math.round((0.01 + random() * 2) * 1000) / 1000,
        price,
        comment: `stress ${action.toLowerCase()} #${sequence}${opts.tag ? ` ${opts.tag}` : ''}`,
        timestamp: new Date(nowMs).toISOString(),
      };
      sequence += 1;
      return signal;
    },
  };
}

/**
 * The seed of one stream: the run's SIGNAL_SEED mixed with the load generator's index and the
 * worker thread's id, so every stream of a run is its own sequence and a run can be replayed.
 */
export function streamSeed(seed: number, generator: number, thread: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(generator + 1, 0x85ebca6b) + thread) >>> 0;
}

/**
 * The burst's one signal, byte for byte the same in every load generator of a run: its
 * content comes from the seed alone and its id and time from the run's shared instant,
 * so N generators send the server one signal, never N (README "Scaling out").
 */
export function sharedSignal(seed: number, atMs: number, symbols?: readonly string[]): Signal {
  const stream = `shared-${seed}-${atMs.toString(36)}`;
  return createSignalGenerator({ seed, stream, ...(symbols ? { symbols } : {}) }).next(atMs);
}
