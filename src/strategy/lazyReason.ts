// Reasons formatted on first read: the per-bar "why not" texts (a rule's miss, a held position) are built only for the decisions that are written.

/**
 * A no-trade outcome whose `reason` text is formatted on first read, then kept. The inputs it formats
 * must be immutable values (a bar, a VWAP snapshot, config settings, numbers), so the text is the
 * same whenever it is read.
 */
export abstract class LazyReason {
  private text: string | null = null;

  get reason(): string {
    return (this.text ??= this.format());
  }

  /** The reason text (called at most once). */
  protected abstract format(): string;
}

/** Something with a reason text (a string property or a LazyReason). */
export interface HasReason {
  readonly reason: string;
}

/** The `hold` answer of a policy whose reason is another outcome's (formatted when read). */
export class LazyHold extends LazyReason {
  readonly kind = 'hold' as const;

  constructor(
    readonly code: string,
    private readonly source: HasReason,
  ) {
    super();
  }

  protected format(): string {
    return this.source.reason;
  }
}
