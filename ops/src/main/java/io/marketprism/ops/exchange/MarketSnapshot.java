package io.marketprism.ops.exchange;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Deterministic market numbers for one answer: derived only from the symbol, a sequence number and a time, so equal
 * inputs give equal bodies. Prices and sizes are plain decimal strings.
 */
record MarketSnapshot(String symbol, long sequence, long timeMillis) {

    /** Price levels per order book side. */
    static final int BOOK_LEVELS = 5;
    /** Trades per trades answer. */
    static final int TRADE_COUNT = 3;

    private static final long TICK_CENTS = 50;

    String bidPrice(int level) {
        return cents(midCents() - TICK_CENTS * (level + 1));
    }

    String askPrice(int level) {
        return cents(midCents() + TICK_CENTS * (level + 1));
    }

    String quantity(int level) {
        return decimal(250 + 125L * level + Math.floorMod(symbol.hashCode(), 100), 3);
    }

    String lastPrice() {
        return cents(midCents());
    }

    String tradePrice(int index) {
        return cents(midCents() + (index % 2 == 0 ? TICK_CENTS : -TICK_CENTS));
    }

    long tradeId(int index) {
        return sequence * TRADE_COUNT + index;
    }

    String fundingRate() {
        return decimal(Math.floorMod(symbol.hashCode() + sequence, 20) - 5, 5);
    }

    String openInterest() {
        return decimal(1_000_000 + Math.floorMod(symbol.hashCode(), 90_000_000), 3);
    }

    String volume() {
        return decimal(5_000_000 + Math.floorMod(31L * symbol.hashCode(), 50_000_000), 3);
    }

    /** Accounts net long over accounts net short, between 0.5 and 2.5. */
    String longShortRatio() {
        return decimal(5_000 + Math.floorMod(symbol.hashCode() + sequence, 20_000), 4);
    }

    /** Share of accounts net long, matching {@link #longShortRatio()}. */
    String longAccountShare() {
        BigDecimal ratio = new BigDecimal(longShortRatio());
        return ratio.divide(ratio.add(BigDecimal.ONE), 4, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Share of accounts net short, one minus {@link #longAccountShare()}. */
    String shortAccountShare() {
        return BigDecimal.ONE.subtract(new BigDecimal(longAccountShare())).toPlainString();
    }

    private long midCents() {
        return 100_000 + Math.floorMod(symbol.hashCode(), 6_000_000) + 5 * (Math.floorMod(sequence, 21) - 10);
    }

    private static String cents(long cents) {
        return decimal(cents, 2);
    }

    private static String decimal(long unscaled, int scale) {
        return BigDecimal.valueOf(unscaled, scale).toPlainString();
    }
}
