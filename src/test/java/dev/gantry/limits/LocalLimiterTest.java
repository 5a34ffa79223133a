package dev.gantry.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.ErrorKind;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalLimiterTest {

    private static final long T0 = 1_700_000_000_000L; // on a second boundary
    private final AtomicLong clock = new AtomicLong(T0);
    private final AtomicInteger loads = new AtomicInteger();
    private final LocalLimiter limiter = new LocalLimiter(clock::get, b -> {
        loads.incrementAndGet();
        return CompletableFuture.completedFuture(0L);
    });

    private static LimitScope rpm(String id, long rpm) {
        return new LimitScope(id, rpm, null, null);
    }

    private Decision admit(List<LimitScope> scopes, long tokens) {
        return Await.result(limiter.admit(scopes, tokens, List.of(), 0));
    }

    private Decision admit(List<LimitScope> scopes, List<BudgetScope> budgets, long cost) {
        return Await.result(limiter.admit(scopes, 0, budgets, cost));
    }

    @Test
    void rpmAdmitsUpToTheLimitThenWaitsForTheOldestSecondToLeaveTheWindow() {
        List<LimitScope> key = List.of(rpm("key:a", 3));
        assertThat(admit(key, 0).allowed()).isTrue();
        assertThat(admit(key, 0).allowed()).isTrue();
        clock.set(T0 + 10_000);
        Decision third = admit(key, 0);
        assertThat(third.allowed()).isTrue();
        assertThat(third.headers()).containsEntry("x-ratelimit-limit-requests", "3")
                .containsEntry("x-ratelimit-remaining-requests", "0")
                .containsEntry("x-ratelimit-reset-requests", "50s");

        Decision refused = admit(key, 0);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusal()).isEqualTo(Refusal.RATE);
        assertThat(refused.retryAfterSeconds()).isEqualTo(50);
        assertThat(refused.headers()).containsEntry("Retry-After", "50").containsEntry("x-ratelimit-remaining-requests", "0");
        assertThat(refused.error().kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        assertThat(refused.error().retryAfterSeconds()).isEqualTo(50L);
        assertThat(refused.message()).contains("key:a").contains("3 requests per minute");

        clock.set(T0 + 59_999);
        assertThat(admit(key, 0).allowed()).as("still inside the window").isFalse();
        clock.set(T0 + 60_000);
        assertThat(admit(key, 0).allowed()).as("the two of second 0 left").isTrue();
        assertThat(admit(key, 0).allowed()).isTrue();
        assertThat(admit(key, 0).allowed()).isFalse();
    }

    @Test
    void tpmReservesTheEstimateAndSettleReplacesItWithTheRealUsage() {
        List<LimitScope> key = List.of(new LimitScope("key:t", null, 1000L, null));
        Decision first = admit(key, 600);
        assertThat(first.allowed()).isTrue();
        assertThat(first.tokens()).isEqualTo(new RateInfo(1000, 400, 60_000));
        Decision second = admit(key, 600);
        assertThat(second.allowed()).as("600 + 600 > 1000").isFalse();
        assertThat(second.message()).contains("1000 tokens per minute");

        limiter.settle(first, 100, 0);
        limiter.settle(first, 900, 0); // a second settle changes nothing
        Decision third = admit(key, 600);
        assertThat(third.allowed()).as("100 + 600 fits").isTrue();
        assertThat(third.tokens().remaining()).isEqualTo(300);
    }

    @Test
    void aRequestLargerThanTheWholeTpmIsRefusedWithAFullWindowWait() {
        Decision d = admit(List.of(new LimitScope("key:t", null, 1000L, null)), 5000);
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfterSeconds()).isEqualTo(60);
        assertThat(d.message()).contains("too large");
    }

    @Test
    void maxParallelIsGivenBackOnceEvenWhenReleasedTwice() {
        List<LimitScope> key = List.of(new LimitScope("key:p", null, null, 2));
        Decision a = admit(key, 0);
        Decision b = admit(key, 0);
        assertThat(a.allowed() && b.allowed()).isTrue();
        Decision c = admit(key, 0);
        assertThat(c.allowed()).isFalse();
        assertThat(c.message()).contains("2 requests in parallel");
        assertThat(c.retryAfterSeconds()).isEqualTo(1);

        limiter.release(a);
        limiter.release(a);
        limiter.release(c); // refused decisions hold nothing
        assertThat(admit(key, 0).allowed()).isTrue();
        assertThat(admit(key, 0).allowed()).as("a's slot was given back once, not twice").isFalse();
    }

    @Test
    void aRequestIsCountedInEveryScopeOrInNone() {
        LimitScope key = rpm("key:k", 2);
        LimitScope team = rpm("team:t", 1);
        assertThat(admit(List.of(key, team), 0).allowed()).isTrue();
        Decision refused = admit(List.of(key, team), 0);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.message()).contains("team:t");
        assertThat(refused.requests().limit()).as("the tightest scope speaks").isEqualTo(1);

        assertThat(admit(List.of(key), 0).allowed()).as("the refused request did not count against the key").isTrue();
        assertThat(admit(List.of(key), 0).allowed()).isFalse();
    }

    @Test
    void aRefusingBudgetTakesNoSlotOrCountFromTheLimits() {
        LimitScope key = new LimitScope("key:k", 1L, null, 1);
        BudgetScope spent = new BudgetScope("key:k", "p1", 0);
        Decision d = admit(List.of(key), List.of(spent), 10);
        assertThat(d.refusal()).isEqualTo(Refusal.BUDGET);
        assertThat(d.error().kind()).isEqualTo(ErrorKind.BUDGET_EXCEEDED);
        assertThat(d.headers()).doesNotContainKey("Retry-After");
        assertThat(admit(List.of(key), 0).allowed()).isTrue();
    }

    @Test
    void theHeadersComeFromTheScopeWithTheLeastRoomLeft() {
        Decision d = admit(List.of(rpm("key:big", 100), new LimitScope("user:u", 5L, 50L, null)), 20);
        assertThat(d.headers()).containsEntry("x-ratelimit-limit-requests", "5")
                .containsEntry("x-ratelimit-remaining-requests", "4")
                .containsEntry("x-ratelimit-reset-requests", "1m0s")
                .containsEntry("x-ratelimit-limit-tokens", "50")
                .containsEntry("x-ratelimit-remaining-tokens", "30");
        clock.set(T0 + 1_500);
        Decision later = admit(List.of(rpm("key:big", 100)), 0);
        assertThat(later.requests()).isEqualTo(new RateInfo(100, 98, 58_500));
        assertThat(later.requests().resetText()).isEqualTo("58.5s");
        assertThat(later.headers()).doesNotContainKey("x-ratelimit-limit-tokens");
    }

    @Test
    void noLimitsAtAllCostsNothing() {
        Future<Decision> f = limiter.admit(List.of(new LimitScope("key:free", null, null, null)), 100, List.of(), 0);
        assertThat(f.isComplete()).isTrue();
        assertThat(f.result()).isSameAs(Decision.UNLIMITED);
        assertThat(f.result().headers()).isEmpty();
        limiter.settle(f.result(), 5, 5);
        limiter.release(f.result());
        assertThat(limiter.size()).isZero();
    }

    @Test
    void budgetAdmitsWhileSpentPlusReservedIsBelowTheMaxAndSettlesTheRealCost() {
        BudgetScope budget = new BudgetScope("team:b", "2026-11", 1000);
        Decision a = admit(List.of(), List.of(budget), 400);
        Decision b = admit(List.of(), List.of(budget), 400);
        Decision c = admit(List.of(), List.of(budget), 400);
        assertThat(a.allowed() && b.allowed() && c.allowed()).as("0, 400, 800 reserved are all below 1000").isTrue();
        assertThat(admit(List.of(), List.of(budget), 400).refusal()).as("1200 reserved").isEqualTo(Refusal.BUDGET);

        limiter.settle(a, 0, 100);
        limiter.settle(b, 0, 100);
        limiter.release(c); // never settled: its estimate counts as spent
        // spent 600, nothing reserved
        assertThat(admit(List.of(), List.of(budget), 400).allowed()).isTrue();
        assertThat(admit(List.of(), List.of(budget), 400).allowed()).as("600 + 400 reached 1000").isFalse();
        assertThat(loads).as("loaded once for the scope and period").hasValue(1);
    }

    @Test
    void theSpentLoaderRunsOncePerScopeAndPeriodAndANewPeriodStartsFromItsResult() {
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        List<BudgetScope> asked = new ArrayList<>();
        LocalLimiter l = new LocalLimiter(clock::get, b -> {
            synchronized (pending) {
                asked.add(b);
                CompletableFuture<Long> f = new CompletableFuture<>();
                pending.add(f);
                return f;
            }
        });
        BudgetScope may = new BudgetScope("key:x", "may", 1000);
        List<Future<Decision>> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(l.admit(List.of(), 0, List.of(may), 100));
        }
        assertThat(asked).containsExactly(may);
        assertThat(waiting).noneMatch(Future::isComplete);
        pending.get(0).complete(750L); // the database says 750 were spent in May
        long admitted = waiting.stream().map(Await::result).filter(Decision::allowed).count();
        assertThat(admitted).as("750, 850, 950 are below 1000").isEqualTo(3);

        BudgetScope june = new BudgetScope("key:x", "june", 1000);
        Future<Decision> first = l.admit(List.of(), 0, List.of(june), 100);
        assertThat(asked).containsExactly(may, june);
        pending.get(1).complete(0L);
        assertThat(Await.result(first).allowed()).isTrue();
    }

    @Test
    void aBudgetWhoseSpendCannotBeLoadedIsRefusedAsUnavailableAndLoadedAgainNextTime() {
        AtomicInteger calls = new AtomicInteger();
        LocalLimiter l = new LocalLimiter(clock::get, b -> calls.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new IllegalStateException("database down"))
                : CompletableFuture.completedFuture(0L));
        BudgetScope budget = new BudgetScope("key:x", "p", 1000);
        Decision d = Await.result(l.admit(List.of(), 0, List.of(budget), 1));
        assertThat(d.refusal()).isEqualTo(Refusal.UNAVAILABLE);
        assertThat(d.error().kind()).isEqualTo(ErrorKind.OVERLOADED);
        assertThat(Await.result(l.admit(List.of(), 0, List.of(budget), 1)).allowed()).isTrue();
        assertThat(calls).hasValue(2);
    }

    @Test
    void aHundredParallelAdmissionsCannotOvershootANearlySpentBudgetByMoreThanOneEstimate() throws Exception {
        long est = 1_000_000;
        BudgetScope budget = new BudgetScope("team:race", "p", 3 * est + est / 2);
        List<Thread> threads = new ArrayList<>();
        List<Decision> admitted = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 100; i++) {
            Thread t = Thread.ofPlatform().start(() -> {
                Decision d = Await.result(limiter.admit(List.of(), 0, List.of(budget), est));
                if (d.allowed()) {
                    admitted.add(d);
                }
            });
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(admitted).hasSize(4);
        for (Decision d : admitted) {
            limiter.settle(d, 0, est);
        }
        assertThat(admit(List.of(), List.of(budget), 1).refusal()).isEqualTo(Refusal.BUDGET);
    }

    @Test
    void idleCountersAreSweptAfterAMinute() {
        limiter.release(admit(List.of(rpm("key:1", 5), rpm("key:2", 5)), 0));
        Decision held = admit(List.of(new LimitScope("key:3", null, null, 1)), 0);
        assertThat(limiter.size()).isEqualTo(3);
        clock.set(T0 + 61_000);
        admit(List.of(rpm("key:4", 5)), 0);
        assertThat(limiter.size()).as("key:1/2 are idle; key:3 has a request in flight; key:4 is new").isEqualTo(2);
        clock.set(T0 + 122_000);
        admit(List.of(), List.of(new BudgetScope("b", "p", 10)), 0);
        assertThat(limiter.size()).as("key:4 has an unreleased request, key:3 still runs, plus the budget").isEqualTo(3);
        limiter.release(held);
        assertThat(admit(List.of(new LimitScope("key:3", null, null, 1)), 0).allowed()).isTrue();
    }
}
