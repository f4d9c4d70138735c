using System.Collections.Concurrent;
using System.Data.Common;
using GitOpsBridge.Storage;
using Microsoft.Extensions.Time.Testing;

namespace GitOpsBridge.Tests.Storage;

/// <summary>
/// What every <see cref="IBridgeStore"/> must do, whatever the database. A backend runs it by
/// deriving from this class and opening stores on a fresh database per test.
/// </summary>
public abstract class BridgeStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(1);

    private readonly List<IBridgeStore> _opened = [];

    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>The initialized store each test starts with, on its own empty database.</summary>
    protected IBridgeStore Store { get; private set; } = null!;

    /// <summary>
    /// Opens a store (not yet initialized) on this test's database. The first call of a test gets an
    /// empty database; later calls open further instances on the same one, as a second process would.
    /// </summary>
    protected abstract IBridgeStore OpenStore(TimeProvider timeProvider);

    /// <summary>Removes this test's database, after every store on it is disposed.</summary>
    protected virtual Task DeleteDatabaseAsync() => Task.CompletedTask;

    public virtual async Task InitializeAsync() => Store = await OpenInitializedAsync(Time);

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        await DeleteDatabaseAsync();
    }

    protected async Task<IBridgeStore> OpenInitializedAsync(TimeProvider timeProvider)
    {
        var store = OpenStore(timeProvider);
        _opened.Add(store);
        await store.InitializeAsync();
        return store;
    }

    // ---- deliveries ----

    [SkippableFact]
    public async Task InsertDelivery_NewId_StoresRecordAndBody()
    {
        var delivery = Delivery("d1", Start) with { ReasonCode = "policy", Reason = "tag 2.0.0 is outside ^1.4" };

        var result = await Store.InsertDeliveryAsync(delivery, "{\"action\":\"published\"}");

        Assert.Equal(InsertDeliveryResult.Inserted, result);
        Assert.Equal(delivery, await Store.GetDeliveryAsync("d1"));
        Assert.Equal("{\"action\":\"published\"}", await Store.GetDeliveryBodyAsync("d1"));
    }

    [SkippableFact]
    public async Task InsertDelivery_OptionalFieldsMissing_RoundTripsNulls()
    {
        var delivery = new DeliveryRecord("d1", "registry", "push", Start, DeliveryStatus.Ignored, null, null, "00ff", null, null);

        await Store.InsertDeliveryAsync(delivery, "");

        Assert.Equal(delivery, await Store.GetDeliveryAsync("d1"));
        Assert.Equal("", await Store.GetDeliveryBodyAsync("d1"));
    }

    [SkippableFact]
    public async Task InsertDelivery_WithHeaders_RoundTripsThemOnBothPaths()
    {
        var plain = new DeliveryRecord("h1", "hub", "dockerhub.push", Start, DeliveryStatus.Pending, null, null, "aa", null, null) { Headers = "{\"content-type\":\"application/json\"}" };
        var queued = plain with { Id = "h2", BodySha256 = "bb" };

        await Store.InsertDeliveryAsync(plain, "{}");
        await Store.InsertDeliveryAndEnqueueAsync(queued, "{}", JobKind.Delivery, "delivery:h2");

        Assert.Equal(plain.Headers, (await Store.GetDeliveryAsync("h1"))!.Headers);
        Assert.Equal(queued.Headers, (await Store.GetDeliveryAsync("h2"))!.Headers);
    }

    [SkippableFact]
    public async Task InsertDelivery_SameIdSameBody_ReturnsDuplicateAndStoresOnce()
    {
        await Store.InsertDeliveryAsync(Delivery("d1", Start, "aaaa"), "body");

        var result = await Store.InsertDeliveryAsync(Delivery("d1", Start.AddSeconds(5), "aaaa"), "body");

        Assert.Equal(InsertDeliveryResult.Duplicate, result);
        Assert.Equal(1, await Store.CountDeliveriesAsync());
        Assert.Equal(Start, (await Store.GetDeliveryAsync("d1"))!.ReceivedAt);
    }

    [SkippableFact]
    public async Task InsertDelivery_SameIdOtherBody_ReturnsConflictAndKeepsFirstBody()
    {
        await Store.InsertDeliveryAsync(Delivery("d1", Start, "aaaa"), "first");

        var result = await Store.InsertDeliveryAsync(Delivery("d1", Start, "bbbb"), "second");

        Assert.Equal(InsertDeliveryResult.Conflict, result);
        Assert.Equal("first", await Store.GetDeliveryBodyAsync("d1"));
        Assert.Equal("aaaa", (await Store.GetDeliveryAsync("d1"))!.BodySha256);
    }

    [SkippableFact]
    public async Task InsertDeliveryAndEnqueue_NewId_StoresDeliveryAndQueuesItsJob()
    {
        var delivery = Delivery("d1", Start.AddSeconds(-3));

        var result = await Store.InsertDeliveryAndEnqueueAsync(delivery, "{\"action\":\"published\"}", JobKind.Delivery, "delivery:d1");

        Assert.Equal(InsertDeliveryResult.Inserted, result);
        Assert.Equal(delivery, await Store.GetDeliveryAsync("d1"));
        Assert.Equal("{\"action\":\"published\"}", await Store.GetDeliveryBodyAsync("d1"));
        var lease = await Store.TryLeaseAsync("w1", LeaseTime);
        Assert.NotNull(lease);
        Assert.Equal((JobKind.Delivery, "d1", "delivery:d1", delivery.ReceivedAt, delivery.TraceId, 1),
            (lease.Job.Kind, lease.Job.Key, lease.Job.LockKey, lease.Job.NotBefore, lease.Job.TraceId, lease.Job.Attempt));
    }

    [SkippableFact]
    public async Task InsertDeliveryAndEnqueue_SameIdSameBody_ReturnsDuplicateAndQueuesNothing()
    {
        await Store.InsertDeliveryAndEnqueueAsync(Delivery("d1", Start, "aaaa"), "body", JobKind.Delivery, "delivery:d1");
        await Store.CompleteAsync((await Store.TryLeaseAsync("w1", LeaseTime))!);

        var result = await Store.InsertDeliveryAndEnqueueAsync(Delivery("d1", Start.AddSeconds(5), "aaaa"), "body", JobKind.Delivery, "delivery:d1");

        Assert.Equal(InsertDeliveryResult.Duplicate, result);
        Assert.Equal(1, await Store.CountDeliveriesAsync());
        Assert.Equal(Start, (await Store.GetDeliveryAsync("d1"))!.ReceivedAt);
        Assert.Null(await Store.TryLeaseAsync("w1", LeaseTime));
    }

    [SkippableFact]
    public async Task InsertDeliveryAndEnqueue_SameIdOtherBody_ReturnsConflictKeepsFirstBodyAndQueuesNothing()
    {
        await Store.InsertDeliveryAsync(Delivery("d1", Start, "aaaa"), "first");

        var result = await Store.InsertDeliveryAndEnqueueAsync(Delivery("d1", Start, "bbbb"), "second", JobKind.Delivery, "delivery:d1");

        Assert.Equal(InsertDeliveryResult.Conflict, result);
        Assert.Equal("first", await Store.GetDeliveryBodyAsync("d1"));
        Assert.Equal((0, 0), await PendingAndLeasedAsync());
    }

    [SkippableFact]
    public async Task InsertDeliveryAndEnqueue_JobOfThatKeyWaiting_CoalescesIntoItAsEnqueueDoes()
    {
        await Store.EnqueueAsync(JobKind.Delivery, "d1", "delivery:d1", Start.AddMinutes(10), "trace-1");

        await Store.InsertDeliveryAndEnqueueAsync(Delivery("d1", Start), "body", JobKind.Delivery, "delivery:d1");

        Assert.Equal((1, 0), await PendingAndLeasedAsync());
        var lease = await Store.TryLeaseAsync("w1", LeaseTime);
        Assert.Equal((Start, "trace-1"), (lease!.Job.NotBefore, lease.Job.TraceId));
    }

    [SkippableFact]
    public async Task InsertDeliveryAndEnqueue_ManyCallersAtOnce_EachIdStoredOnceWithOneJobAndEachCallerTold()
    {
        // 300 callers at once (more than one group): 100 ids, each sent three times: the original, a
        // redelivery with the same body, and a forgery with another body, in varying order.
        var calls = Enumerable.Range(0, 300).Select(i => (Id: $"d{i % 100}", Sha: i / 100 == 2 ? "bbbb" : "aaaa")).ToList();

        var results = await Task.WhenAll(calls.Select(c => Task.Run(() =>
            Store.InsertDeliveryAndEnqueueAsync(Delivery(c.Id, Start, c.Sha), "body-" + c.Sha, JobKind.Delivery, "delivery:" + c.Id))));

        Assert.Equal(100, await Store.CountDeliveriesAsync());
        Assert.Equal((100, 0), await PendingAndLeasedAsync());
        foreach (var group in calls.Zip(results).GroupBy(x => x.First.Id))
        {
            var first = group.Single(x => x.Second == InsertDeliveryResult.Inserted).First;
            var stored = await Store.GetDeliveryAsync(group.Key);
            Assert.Equal(first.Sha, stored!.BodySha256);
            Assert.All(group.Where(x => x.Second != InsertDeliveryResult.Inserted), x =>
                Assert.Equal(x.First.Sha == first.Sha ? InsertDeliveryResult.Duplicate : InsertDeliveryResult.Conflict, x.Second));
        }
    }

    [SkippableFact]
    public async Task GetDelivery_UnknownId_ReturnsNull()
    {
        await Store.InsertDeliveryAsync(Delivery("d1", Start), "body");

        Assert.Null(await Store.GetDeliveryAsync("d2"));
        Assert.Null(await Store.GetDeliveryBodyAsync("d2"));
    }

    [SkippableFact]
    public async Task ListDeliveries_SeveralStored_ReturnsNewestFirstUpToLimit()
    {
        await Store.InsertDeliveryAsync(Delivery("d1", Start.AddMinutes(1)), "b");
        await Store.InsertDeliveryAsync(Delivery("d3", Start.AddMinutes(3)), "b");
        await Store.InsertDeliveryAsync(Delivery("d0", Start), "b");
        await Store.InsertDeliveryAsync(Delivery("d2", Start.AddMinutes(2)), "b");

        var listed = await Store.ListDeliveriesAsync(3);

        Assert.Equal(["d3", "d2", "d1"], listed.Select(d => d.Id));
        Assert.Equal(4, await Store.CountDeliveriesAsync());
    }

    [SkippableFact]
    public async Task SetDeliveryStatus_KnownId_ChangesStatusAndReasonOfThatDeliveryOnly()
    {
        await Store.InsertDeliveryAsync(Delivery("d1", Start), "b");
        await Store.InsertDeliveryAsync(Delivery("d2", Start), "b");

        await Store.SetDeliveryStatusAsync("d1", DeliveryStatus.Skipped, "already-current", "dev already runs 1.5.0");

        var changed = await Store.GetDeliveryAsync("d1");
        Assert.Equal((DeliveryStatus.Skipped, "already-current", "dev already runs 1.5.0"), (changed!.Status, changed.ReasonCode, changed.Reason));
        Assert.Equal(DeliveryStatus.Pending, (await Store.GetDeliveryAsync("d2"))!.Status);
    }

    [SkippableFact]
    public async Task AddTargetOutcome_SameRepositoryAndEnvironment_ReplacesOutcome()
    {
        await Store.InsertDeliveryAsync(Delivery("d1", Start), "b");
        await Store.InsertDeliveryAsync(Delivery("d2", Start), "b");
        await Store.AddTargetOutcomeAsync("d1", new TargetOutcome("acme/gitops", "dev", DeliveryStatus.Pending, null, null, null, null, null));
        var prod = new TargetOutcome("acme/gitops", "prod", DeliveryStatus.Skipped, "awaiting-promotion", "prod takes api from dev", null, null, null);
        await Store.AddTargetOutcomeAsync("d1", prod);
        await Store.AddTargetOutcomeAsync("d2", new TargetOutcome("acme/gitops", "dev", DeliveryStatus.Failed, "error", "boom", null, null, null));

        var done = new TargetOutcome("acme/gitops", "dev", DeliveryStatus.Done, null, null, 7, "https://github.com/acme/gitops/pull/7", "opened");
        await Store.AddTargetOutcomeAsync("d1", done);

        Assert.Equal([done, prod], await Store.GetTargetOutcomesAsync("d1"));
        Assert.Equal(DeliveryStatus.Failed, Assert.Single(await Store.GetTargetOutcomesAsync("d2")).Status);
    }

    [SkippableFact]
    public async Task AddTargetOutcome_UnknownDelivery_Throws()
    {
        var outcome = new TargetOutcome("acme/gitops", "dev", DeliveryStatus.Done, null, null, null, null, null);

        await Assert.ThrowsAnyAsync<DbException>(() => Store.AddTargetOutcomeAsync("nope", outcome));
    }

    [SkippableFact]
    public async Task ListPendingDeliveries_MixedOutcomes_ReturnsOnlyThatTargetsPendingOnesOldestFirst()
    {
        foreach (var id in new[] { "d1", "d2", "d3", "d4", "d5" })
        {
            await Store.InsertDeliveryAsync(Delivery(id, Start), "b");
        }

        var pending = new TargetOutcome("acme/gitops", "dev", DeliveryStatus.Pending, null, null, null, null, null);
        await Store.AddTargetOutcomeAsync("d3", pending);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.AddTargetOutcomeAsync("d1", pending);
        await Store.AddTargetOutcomeAsync("d2", pending with { Status = DeliveryStatus.Done });
        await Store.AddTargetOutcomeAsync("d4", pending with { Environment = "prod" });
        await Store.AddTargetOutcomeAsync("d5", pending with { Repository = "acme/other" });
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.AddTargetOutcomeAsync("d5", pending);

        Assert.Equal(["d3", "d1", "d5"], await Store.ListPendingDeliveriesAsync("acme/gitops", "dev"));
        Assert.Equal(["d4"], await Store.ListPendingDeliveriesAsync("acme/gitops", "prod"));
        Assert.Empty(await Store.ListPendingDeliveriesAsync("acme/gitops", "staging"));
    }

    [SkippableFact]
    public async Task ListPendingDeliveries_OutcomeNoLongerPending_DropsOutOfTheList()
    {
        await Store.InsertDeliveryAsync(Delivery("d1", Start), "b");
        var pending = new TargetOutcome("acme/gitops", "dev", DeliveryStatus.Pending, null, null, null, null, null);
        await Store.AddTargetOutcomeAsync("d1", pending);

        await Store.AddTargetOutcomeAsync("d1", pending with { Status = DeliveryStatus.Done, PullRequestNumber = 7 });

        Assert.Empty(await Store.ListPendingDeliveriesAsync("acme/gitops", "dev"));
    }

    // ---- image event claims ----

    [SkippableFact]
    public async Task ClaimImageEvent_ClaimedByAnotherDelivery_ReturnsFirstDeliveryId()
    {
        Assert.Null(await Store.ClaimImageEventAsync(1, "ghcr.io/acme/api", "1.5.0", "sha256:aa", "d1"));

        Assert.Equal("d1", await Store.ClaimImageEventAsync(1, "ghcr.io/acme/api", "1.5.0", "sha256:aa", "d2"));
        Assert.Equal("d1", await Store.ClaimImageEventAsync(1, "ghcr.io/acme/api", "1.5.0", "sha256:aa", "d3"));
    }

    [SkippableFact]
    public async Task ClaimImageEvent_SameDeliveryAgain_ReturnsNull()
    {
        await Store.ClaimImageEventAsync(1, "ghcr.io/acme/api", "1.5.0", null, "d1");

        Assert.Null(await Store.ClaimImageEventAsync(1, "ghcr.io/acme/api", "1.5.0", null, "d1"));
    }

    [SkippableFact]
    public async Task ClaimImageEvent_OtherInstallationOrVersion_ClaimsIndependently()
    {
        await Store.ClaimImageEventAsync(1, "ghcr.io/acme/api", "1.5.0", "sha256:aa", "d1");

        Assert.Null(await Store.ClaimImageEventAsync(2, "ghcr.io/acme/api", "1.5.0", "sha256:aa", "d2"));
        Assert.Null(await Store.ClaimImageEventAsync(1, "ghcr.io/acme/api", "1.5.1", "sha256:aa", "d3"));
        Assert.Null(await Store.ClaimImageEventAsync(1, "ghcr.io/acme/api", "1.5.0", "sha256:bb", "d4"));
        Assert.Null(await Store.ClaimImageEventAsync(1, "ghcr.io/acme/web", "1.5.0", "sha256:aa", "d5"));
    }

    [SkippableTheory]
    [InlineData(null, "sha256:aa")]
    [InlineData("1.5.0", null)]
    [InlineData(null, null)]
    public async Task ClaimImageEvent_TagOrDigestMissing_IsStillClaimedOnce(string? tag, string? digest)
    {
        await Store.ClaimImageEventAsync(1, "ghcr.io/acme/api", tag, digest, "d1");

        Assert.Equal("d1", await Store.ClaimImageEventAsync(1, "ghcr.io/acme/api", tag, digest, "d2"));
    }

    // ---- desired state ----

    [SkippableFact]
    public async Task UpsertDesiredImage_NewImage_RoundTrips()
    {
        var image = Image("ghcr.io/acme/api", "1.5.0", "d1") with { Digest = "sha256:aa" };

        await Store.UpsertDesiredImageAsync(Target(), image);

        Assert.Equal(image, Assert.Single(await Store.GetDesiredImagesAsync(Target())));
    }

    [SkippableFact]
    public async Task UpsertDesiredImage_SameImage_ReplacesTagDigestDeliveryAndProvenance()
    {
        await Store.UpsertDesiredImageAsync(Target(), Image("ghcr.io/acme/api", "1.5.0", "d1") with { Digest = "sha256:aa" });
        var newer = new DesiredImage("ghcr.io/acme/api", null, "sha256:bb", "d2", new Provenance(null, "def", null, null), Start.AddHours(1));

        await Store.UpsertDesiredImageAsync(Target(), newer);

        Assert.Equal(newer, Assert.Single(await Store.GetDesiredImagesAsync(Target())));
    }

    [SkippableFact]
    public async Task TryReplaceDesiredImage_NoRowAndNoneExpected_Inserts()
    {
        var image = Image("ghcr.io/acme/api", "1.5.0", "d1") with { Digest = "sha256:aa" };

        Assert.True(await Store.TryReplaceDesiredImageAsync(Target(), image, expectedDeliveryId: null));

        Assert.Equal(image, Assert.Single(await Store.GetDesiredImagesAsync(Target())));
    }

    [SkippableFact]
    public async Task TryReplaceDesiredImage_RowExistsButNoneExpected_ReturnsFalseAndKeepsTheRow()
    {
        var first = Image("ghcr.io/acme/api", "1.5.0", "d1");
        await Store.UpsertDesiredImageAsync(Target(), first);

        Assert.False(await Store.TryReplaceDesiredImageAsync(Target(), Image("ghcr.io/acme/api", "1.6.0", "d2"), expectedDeliveryId: null));

        Assert.Equal(first, Assert.Single(await Store.GetDesiredImagesAsync(Target())));
    }

    [SkippableFact]
    public async Task TryReplaceDesiredImage_ExpectedDeliveryStillStored_ReplacesEveryField()
    {
        await Store.UpsertDesiredImageAsync(Target(), Image("ghcr.io/acme/api", "1.5.0", "d1") with { Digest = "sha256:aa" });
        var newer = new DesiredImage("ghcr.io/acme/api", null, "sha256:bb", "d2", new Provenance(null, "def", null, null), Start.AddHours(1));

        Assert.True(await Store.TryReplaceDesiredImageAsync(Target(), newer, expectedDeliveryId: "d1"));

        Assert.Equal(newer, Assert.Single(await Store.GetDesiredImagesAsync(Target())));
    }

    [SkippableFact]
    public async Task TryReplaceDesiredImage_AnotherDeliveryWroteFirst_ReturnsFalseAndKeepsItsWrite()
    {
        await Store.UpsertDesiredImageAsync(Target(), Image("ghcr.io/acme/api", "1.5.0", "d1"));
        var winner = Image("ghcr.io/acme/api", "1.7.0", "d3");
        Assert.True(await Store.TryReplaceDesiredImageAsync(Target(), winner, expectedDeliveryId: "d1"));

        // d2 read the row while d1 held it, and decided on that stale read.
        Assert.False(await Store.TryReplaceDesiredImageAsync(Target(), Image("ghcr.io/acme/api", "1.6.0", "d2"), expectedDeliveryId: "d1"));

        Assert.Equal(winner, Assert.Single(await Store.GetDesiredImagesAsync(Target())));
    }

    [SkippableFact]
    public async Task TryReplaceDesiredImage_ExpectedButNoRow_ReturnsFalseAndInsertsNothing()
    {
        Assert.False(await Store.TryReplaceDesiredImageAsync(Target(), Image("ghcr.io/acme/api", "1.5.0", "d2"), expectedDeliveryId: "d1"));

        Assert.Empty(await Store.GetDesiredImagesAsync(Target()));
    }

    [SkippableFact]
    public async Task TryReplaceDesiredImage_OtherImageOrTarget_IsNotTheComparedRow()
    {
        await Store.UpsertDesiredImageAsync(Target(), Image("ghcr.io/acme/api", "1.5.0", "d1"));

        Assert.True(await Store.TryReplaceDesiredImageAsync(Target(), Image("ghcr.io/acme/web", "2.0.0", "d2"), expectedDeliveryId: null));
        Assert.True(await Store.TryReplaceDesiredImageAsync(Target(environment: "prod"), Image("ghcr.io/acme/api", "1.4.0", "d3"), expectedDeliveryId: null));
        Assert.False(await Store.TryReplaceDesiredImageAsync(Target(installation: 2), Image("ghcr.io/acme/api", "1.6.0", "d4"), expectedDeliveryId: "d1"));

        Assert.Equal(["d1", "d2"], (await Store.GetDesiredImagesAsync(Target())).Select(i => i.DeliveryId));
    }

    [SkippableFact]
    public async Task TryReplaceDesiredImage_ManyWritersExpectingTheSameRow_ExactlyOneWins()
    {
        await Store.UpsertDesiredImageAsync(Target(), Image("ghcr.io/acme/api", "1.0.0", "d0"));
        var other = await OpenInitializedAsync(Time);

        var results = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? Store : other).TryReplaceDesiredImageAsync(Target(), Image("ghcr.io/acme/api", $"1.0.{i}", $"d{i}"), expectedDeliveryId: "d0"))));

        Assert.Equal(1, results.Count(won => won));
        var winner = results.Select((won, i) => (won, i: i + 1)).Single(x => x.won).i;
        Assert.Equal($"d{winner}", Assert.Single(await Store.GetDesiredImagesAsync(Target())).DeliveryId);
    }

    [SkippableFact]
    public async Task GetDesiredImages_SeveralTargets_ReturnsOnlyThatTargetsImagesByName()
    {
        await Store.UpsertDesiredImageAsync(Target(), Image("ghcr.io/acme/web", "2.0.0", "d1"));
        await Store.UpsertDesiredImageAsync(Target(), Image("ghcr.io/acme/api", "1.5.0", "d2"));
        await Store.UpsertDesiredImageAsync(Target(environment: "prod"), Image("ghcr.io/acme/db", "1.0.0", "d3"));
        await Store.UpsertDesiredImageAsync(Target(installation: 2), Image("ghcr.io/acme/db", "1.0.0", "d4"));
        await Store.UpsertDesiredImageAsync(Target() with { BaseBranch = "release" }, Image("ghcr.io/acme/db", "1.0.0", "d5"));

        var images = await Store.GetDesiredImagesAsync(Target());

        Assert.Equal(["ghcr.io/acme/api", "ghcr.io/acme/web"], images.Select(i => i.ImageName));
    }

    [SkippableFact]
    public async Task ListTargets_Repository_ReturnsEachOfItsTargetsOnce()
    {
        await Store.UpsertDesiredImageAsync(Target(), Image("ghcr.io/acme/api", "1.5.0", "d1"));
        await Store.UpsertDesiredImageAsync(Target(), Image("ghcr.io/acme/web", "2.0.0", "d1"));
        await Store.UpsertDesiredImageAsync(Target(environment: "prod"), Image("ghcr.io/acme/api", "1.4.0", "d1"));
        await Store.UpsertDesiredImageAsync(Target(repository: "acme/other"), Image("ghcr.io/acme/api", "1.5.0", "d1"));

        var targets = await Store.ListTargetsAsync("acme/gitops");

        Assert.Equal(2, targets.Count);
        Assert.Equal([Target(), Target(environment: "prod")], targets.OrderBy(t => t.Environment, StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task RemoveDesiredImages_Target_ForgetsOnlyThatTarget()
    {
        await Store.UpsertDesiredImageAsync(Target(), Image("ghcr.io/acme/api", "1.5.0", "d1"));
        await Store.UpsertDesiredImageAsync(Target(), Image("ghcr.io/acme/web", "2.0.0", "d1"));
        await Store.UpsertDesiredImageAsync(Target(environment: "prod"), Image("ghcr.io/acme/api", "1.4.0", "d1"));

        await Store.RemoveDesiredImagesAsync(Target());

        Assert.Empty(await Store.GetDesiredImagesAsync(Target()));
        Assert.Single(await Store.GetDesiredImagesAsync(Target(environment: "prod")));
        Assert.Equal([Target(environment: "prod")], await Store.ListTargetsAsync("acme/gitops"));
    }

    // ---- job queue ----

    [SkippableFact]
    public async Task Enqueue_SameKindAndKeyWhileWaiting_CoalescesIntoOneJobDueAtTheEarlier()
    {
        await Store.EnqueueAsync(JobKind.Target, "acme/gitops#dev", "acme/gitops", Start.AddMinutes(10), "trace-1");
        await Store.EnqueueAsync(JobKind.Target, "acme/gitops#dev", "acme/gitops", Start.AddMinutes(5), "trace-2");
        await Store.EnqueueAsync(JobKind.Target, "acme/gitops#dev", "acme/gitops", Start.AddMinutes(20), "trace-3");

        Assert.Equal(1, (await Store.GetQueueStatsAsync()).Pending);
        Time.Advance(TimeSpan.FromMinutes(5));
        var lease = await Store.TryLeaseAsync("w1", LeaseTime);
        Assert.NotNull(lease);
        Assert.Equal((Start.AddMinutes(5), "trace-1"), (lease.Job.NotBefore, lease.Job.TraceId));
        await Store.CompleteAsync(lease);
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Null(await Store.TryLeaseAsync("w1", LeaseTime));
    }

    [SkippableFact]
    public async Task Enqueue_WhileLeased_AddsASecondJob()
    {
        await Store.EnqueueAsync(JobKind.Target, "acme/gitops#dev", "acme/gitops", Start, null);
        var first = await Store.TryLeaseAsync("w1", LeaseTime);

        await Store.EnqueueAsync(JobKind.Target, "acme/gitops#dev", "acme/gitops", Start, null);

        Assert.Equal((1, 1), await PendingAndLeasedAsync());
        await Store.CompleteAsync(first!);
        var second = await Store.TryLeaseAsync("w1", LeaseTime);
        Assert.NotNull(second);
        Assert.NotEqual(first!.Job.Id, second.Job.Id);
        Assert.Equal(1, second.Job.Attempt);
    }

    [SkippableFact]
    public async Task Enqueue_WhileALeaseHasExpired_AddsASecondJob()
    {
        // The worker whose lease lapsed may still be running on what it read before this event.
        await Store.EnqueueAsync(JobKind.Target, "acme/gitops#dev", "acme/gitops", Start, null);
        var stale = await Store.TryLeaseAsync("w1", LeaseTime);
        Time.Advance(LeaseTime);

        await Store.EnqueueAsync(JobKind.Target, "acme/gitops#dev", "acme/gitops", Start, null);
        await Store.CompleteAsync(stale!);

        Assert.Equal((1, 0), await PendingAndLeasedAsync());
    }

    [SkippableFact]
    public async Task Enqueue_OtherKindSameKey_AddsASecondJob()
    {
        await Store.EnqueueAsync(JobKind.Repository, "acme/gitops", "acme/gitops", Start, null);
        await Store.EnqueueAsync(JobKind.Target, "acme/gitops", "acme/gitops", Start, null);

        Assert.Equal(2, (await Store.GetQueueStatsAsync()).Pending);
    }

    [SkippableFact]
    public async Task TryLease_SeveralDue_LeasesEarliestNotBeforeFirst()
    {
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start.AddMinutes(-1), null);
        await Store.EnqueueAsync(JobKind.Target, "b", "lock-b", Start.AddMinutes(-3), null);
        await Store.EnqueueAsync(JobKind.Target, "c", "lock-c", Start.AddMinutes(-2), null);

        var keys = new List<string>();
        while (await Store.TryLeaseAsync("w1", LeaseTime) is { } lease)
        {
            keys.Add(lease.Job.Key);
        }

        Assert.Equal(["b", "c", "a"], keys);
    }

    [SkippableFact]
    public async Task TryLease_NothingDue_ReturnsNullUntilTheJobIsDue()
    {
        Assert.Null(await Store.TryLeaseAsync("w1", LeaseTime));
        await Store.EnqueueAsync(JobKind.Delivery, "d1", "acme/gitops", Start.AddSeconds(30), "trace-1");

        Assert.Null(await Store.TryLeaseAsync("w1", LeaseTime));
        Time.Advance(TimeSpan.FromSeconds(30));
        var lease = await Store.TryLeaseAsync("w1", LeaseTime);

        Assert.NotNull(lease);
        Assert.Equal(new Job(lease.Job.Id, JobKind.Delivery, "d1", "acme/gitops", 1, "trace-1", Start.AddSeconds(30), null), lease.Job);
        Assert.Equal(("w1", Start.AddSeconds(30) + LeaseTime), (lease.Owner, lease.ExpiresAt));
    }

    [SkippableFact]
    public async Task TryLease_LockKeyHeld_LeasesAnotherLockKeysJobOrNothing()
    {
        await Store.EnqueueAsync(JobKind.Target, "a1", "lock-a", Start.AddMinutes(-3), null);
        await Store.EnqueueAsync(JobKind.Target, "a2", "lock-a", Start.AddMinutes(-2), null);
        await Store.EnqueueAsync(JobKind.Target, "b1", "lock-b", Start.AddMinutes(-1), null);

        var first = await Store.TryLeaseAsync("w1", LeaseTime);
        var second = await Store.TryLeaseAsync("w2", LeaseTime);
        var third = await Store.TryLeaseAsync("w3", LeaseTime);

        Assert.Equal("a1", first!.Job.Key);
        Assert.Equal("b1", second!.Job.Key);
        Assert.Null(third);
        await Store.CompleteAsync(first);
        Assert.Equal("a2", (await Store.TryLeaseAsync("w3", LeaseTime))!.Job.Key);
    }

    [SkippableFact]
    public async Task TryLease_LeaseExpired_LeasesTheJobAgainWithAHigherAttempt()
    {
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start, null);
        var first = await Store.TryLeaseAsync("w1", LeaseTime);
        Time.Advance(LeaseTime - TimeSpan.FromMilliseconds(1));
        Assert.Null(await Store.TryLeaseAsync("w2", LeaseTime));

        Time.Advance(TimeSpan.FromMilliseconds(1));
        var second = await Store.TryLeaseAsync("w2", LeaseTime);

        Assert.NotNull(second);
        Assert.Equal(first!.Job.Id, second.Job.Id);
        Assert.Equal((1, 2, "w2"), (first.Job.Attempt, second.Job.Attempt, second.Owner));
        Time.Advance(LeaseTime);
        Assert.Equal(3, (await Store.TryLeaseAsync("w3", LeaseTime))!.Job.Attempt);
    }

    [SkippableFact]
    public async Task Renew_WhileHeld_KeepsTheLeasePastItsFirstExpiry()
    {
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start, null);
        var lease = await Store.TryLeaseAsync("w1", LeaseTime);
        Time.Advance(TimeSpan.FromSeconds(50));

        Assert.True(await Store.RenewAsync(lease!, LeaseTime));

        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(await Store.TryLeaseAsync("w2", LeaseTime));
        Assert.True(await Store.RenewAsync(lease!, LeaseTime));
    }

    [SkippableFact]
    public async Task Renew_AfterAnotherOwnerTookOver_ReturnsFalse()
    {
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start, null);
        var stale = await Store.TryLeaseAsync("w1", LeaseTime);
        Time.Advance(LeaseTime);
        var current = await Store.TryLeaseAsync("w2", LeaseTime);

        Assert.False(await Store.RenewAsync(stale!, LeaseTime));
        Assert.True(await Store.RenewAsync(current!, LeaseTime));
    }

    [SkippableFact]
    public async Task Renew_AfterExpiry_ReturnsFalseEvenIfNobodyTookOver()
    {
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start, null);
        var lease = await Store.TryLeaseAsync("w1", LeaseTime);
        Time.Advance(LeaseTime);

        Assert.False(await Store.RenewAsync(lease!, LeaseTime));
        Assert.NotNull(await Store.TryLeaseAsync("w2", LeaseTime));
    }

    [SkippableFact]
    public async Task Complete_ByOwner_DeletesTheJob()
    {
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start, null);
        var lease = await Store.TryLeaseAsync("w1", LeaseTime);

        await Store.CompleteAsync(lease!);

        Assert.Equal(new QueueStats(0, 0, 0, TimeSpan.Zero), await Store.GetQueueStatsAsync());
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Null(await Store.TryLeaseAsync("w1", LeaseTime));
    }

    [SkippableFact]
    public async Task Complete_ByALeaseThatWasTakenOver_LeavesTheJobToTheNewOwner()
    {
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start, null);
        var stale = await Store.TryLeaseAsync("w1", LeaseTime);
        Time.Advance(LeaseTime);
        var current = await Store.TryLeaseAsync("w2", LeaseTime);

        await Store.CompleteAsync(stale!);

        Assert.Equal((0, 1), await PendingAndLeasedAsync());
        Assert.True(await Store.RenewAsync(current!, LeaseTime));
        await Store.CompleteAsync(current!);
        Assert.Equal((0, 0), await PendingAndLeasedAsync());
    }

    [SkippableFact]
    public async Task Complete_SameOwnerNameButEarlierAttempt_LeavesTheJob()
    {
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start, null);
        var stale = await Store.TryLeaseAsync("worker", LeaseTime);
        Time.Advance(LeaseTime);
        var current = await Store.TryLeaseAsync("worker", LeaseTime);

        await Store.CompleteAsync(stale!);

        Assert.Equal((0, 1), await PendingAndLeasedAsync());
        Assert.True(await Store.RenewAsync(current!, LeaseTime));
    }

    [SkippableFact]
    public async Task Retry_ByOwner_ReleasesTheLeaseAndKeepsTheJobUntilNotBefore()
    {
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start, "trace-1");
        var lease = await Store.TryLeaseAsync("w1", LeaseTime);

        await Store.RetryAsync(lease!, Start.AddSeconds(30), "GitHub answered 502");

        Assert.Equal(new QueueStats(1, 0, 1, TimeSpan.Zero), await Store.GetQueueStatsAsync());
        Assert.False(await Store.RenewAsync(lease!, LeaseTime));
        Assert.Null(await Store.TryLeaseAsync("w2", LeaseTime));
        Time.Advance(TimeSpan.FromSeconds(30));
        var again = await Store.TryLeaseAsync("w2", LeaseTime);
        Assert.Equal(
            new Job(lease!.Job.Id, JobKind.Target, "a", "lock-a", 2, "trace-1", Start.AddSeconds(30), "GitHub answered 502"),
            again!.Job);
    }

    [SkippableFact]
    public async Task Defer_ByOwner_KeepsTheJobUntilNotBeforeWithoutCountingTheAttempt()
    {
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start, "trace-1");
        var first = await Store.TryLeaseAsync("w1", LeaseTime);
        await Store.DeferAsync(first!, Start.AddSeconds(30), "rate limit");
        Time.Advance(TimeSpan.FromSeconds(30));
        var second = await Store.TryLeaseAsync("w2", LeaseTime);
        await Store.DeferAsync(second!, Start.AddSeconds(60), "rate limit again");

        Assert.False(await Store.RenewAsync(second!, LeaseTime));

        // Still shown as retrying (it was tried), but the attempt count stays where it was.
        Assert.Equal(new QueueStats(1, 0, 1, TimeSpan.Zero), await Store.GetQueueStatsAsync());
        Time.Advance(TimeSpan.FromSeconds(30));
        var third = await Store.TryLeaseAsync("w3", LeaseTime);
        Assert.Equal(
            new Job(first!.Job.Id, JobKind.Target, "a", "lock-a", 1, "trace-1", Start.AddSeconds(60), "rate limit again"),
            third!.Job);
    }

    [SkippableFact]
    public async Task Retry_ByOwner_FreesTheLockKeyForOtherJobs()
    {
        await Store.EnqueueAsync(JobKind.Target, "a1", "lock-a", Start, null);
        await Store.EnqueueAsync(JobKind.Target, "a2", "lock-a", Start, null);
        var lease = await Store.TryLeaseAsync("w1", LeaseTime);
        Assert.Null(await Store.TryLeaseAsync("w2", LeaseTime));

        await Store.RetryAsync(lease!, Start.AddMinutes(5), "conflict");

        Assert.Equal("a2", (await Store.TryLeaseAsync("w2", LeaseTime))!.Job.Key);
    }

    [SkippableFact]
    public async Task Retry_ByALeaseThatWasTakenOver_ChangesNothing()
    {
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start, null);
        var stale = await Store.TryLeaseAsync("w1", LeaseTime);
        Time.Advance(LeaseTime);
        var current = await Store.TryLeaseAsync("w2", LeaseTime);

        await Store.RetryAsync(stale!, Start, "stale");

        Assert.Equal((0, 1), await PendingAndLeasedAsync());
        Assert.True(await Store.RenewAsync(current!, LeaseTime));
    }

    [SkippableFact]
    public async Task GetQueueStats_MixedQueue_CountsPendingLeasedRetryingAndOldestDueAge()
    {
        Assert.Equal(new QueueStats(0, 0, 0, TimeSpan.Zero), await Store.GetQueueStatsAsync());
        await Store.EnqueueAsync(JobKind.Target, "a", "lock-a", Start.AddMinutes(-5), null);
        await Store.EnqueueAsync(JobKind.Target, "b", "lock-b", Start.AddMinutes(-1), null);
        await Store.EnqueueAsync(JobKind.Target, "c", "lock-c", Start.AddHours(1), null);
        await Store.EnqueueAsync(JobKind.Target, "d", "lock-d", Start.AddMinutes(-2), null);
        var a = await Store.TryLeaseAsync("w1", LeaseTime);
        var d = await Store.TryLeaseAsync("w1", LeaseTime);
        await Store.RetryAsync(d!, Start.AddMinutes(10), "later");
        Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal("a", a!.Job.Key);
        Assert.Equal(new QueueStats(3, 1, 1, TimeSpan.FromSeconds(90)), await Store.GetQueueStatsAsync());

        // a's lease lapses: it waits again, as a retry, due since Start - 5 min.
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(new QueueStats(4, 0, 2, TimeSpan.FromMinutes(7.5)), await Store.GetQueueStatsAsync());
    }

    [SkippableFact]
    public async Task TryLease_TwoInstancesRacing_LeaseEveryJobOnceAndNeverOneLockKeyTwice()
    {
        const int jobs = 200;
        const int lockKeys = 20;
        for (var i = 0; i < jobs; i++)
        {
            // Neighbours share a lock key, so the oldest due jobs are always ones of a held lock key.
            await Store.EnqueueAsync(JobKind.Target, $"target-{i}", $"acme/repo-{i / (jobs / lockKeys)}", Start, null);
        }

        var other = await OpenInitializedAsync(Time);
        var leaseCounts = new ConcurrentDictionary<long, int>();
        var holders = new ConcurrentDictionary<string, string>();
        var violations = new ConcurrentQueue<string>();
        var byInstance = new int[2];
        var completed = 0;

        // A broken store can strand a job under a lease nobody holds; stop then and let the asserts say why.
        var deadline = DateTime.UtcNow.AddSeconds(20);

        async Task WorkAsync(IBridgeStore store, int instance, string owner)
        {
            while (Volatile.Read(ref completed) < jobs && DateTime.UtcNow < deadline)
            {
                var lease = await store.TryLeaseAsync(owner, TimeSpan.FromMinutes(5));
                if (lease is null)
                {
                    await Task.Yield();
                    continue;
                }

                leaseCounts.AddOrUpdate(lease.Job.Id, 1, (_, count) => count + 1);
                Interlocked.Increment(ref byInstance[instance]);
                if (!holders.TryAdd(lease.Job.LockKey, owner))
                {
                    violations.Enqueue($"{owner} leased {lease.Job.LockKey} while {holders.GetValueOrDefault(lease.Job.LockKey)} held it");
                }

                await Task.Yield();

                // Let go in the tracker before the store does: a lease granted right after CompleteAsync is legitimate.
                holders.TryRemove(lease.Job.LockKey, out _);
                await store.CompleteAsync(lease);
                Interlocked.Increment(ref completed);
            }
        }

        await Task.WhenAll(
            Task.Run(() => WorkAsync(Store, 0, "a1")),
            Task.Run(() => WorkAsync(Store, 0, "a2")),
            Task.Run(() => WorkAsync(other, 1, "b1")),
            Task.Run(() => WorkAsync(other, 1, "b2")));

        Assert.Empty(violations);
        Assert.All(leaseCounts, pair => Assert.True(pair.Value == 1, $"job {pair.Key} was leased {pair.Value} times"));
        Assert.Equal(jobs, leaseCounts.Count);
        Assert.All(byInstance, count => Assert.True(count > 0, "both instances should have leased jobs"));
        Assert.Equal(new QueueStats(0, 0, 0, TimeSpan.Zero), await other.GetQueueStatsAsync());
    }

    // ---- installations and repositories ----

    [SkippableFact]
    public async Task UpsertInstallation_NewAndExisting_StoresLatestAccount()
    {
        await Store.UpsertInstallationAsync(2, "acme");
        await Store.UpsertInstallationAsync(1, "globex");
        await Store.UpsertInstallationAsync(2, "acme-corp");

        Assert.Equal([1L, 2L], await Store.ListInstallationsAsync());
        Assert.Equal("acme-corp", await Store.GetInstallationAccountAsync(2));
        Assert.Null(await Store.GetInstallationAccountAsync(3));
    }

    [SkippableFact]
    public async Task DeleteInstallation_Known_ForgetsItAndOnlyItsRepositories()
    {
        await Store.UpsertInstallationAsync(1, "acme");
        await Store.UpsertInstallationAsync(2, "globex");
        await Store.SetRepositoryAsync(Repository("acme/gitops", 1, "ghcr.io/shared/api"));
        await Store.SetRepositoryAsync(Repository("acme/infra", 1, "ghcr.io/shared/api"));
        await Store.SetRepositoryAsync(Repository("globex/gitops", 2, "ghcr.io/shared/api"));

        await Store.DeleteInstallationAsync(1);

        Assert.Equal([2L], await Store.ListInstallationsAsync());
        Assert.Null(await Store.GetInstallationAccountAsync(1));
        Assert.Null(await Store.GetRepositoryAsync("acme/gitops"));
        Assert.Empty(await Store.ListRepositoriesAsync(1));
        Assert.Empty(await Store.FindRepositoriesTrackingAsync(1, "ghcr.io/shared/api"));
        Assert.Equal(["globex/gitops"], (await Store.FindRepositoriesTrackingAsync(2, "ghcr.io/shared/api")).Select(r => r.Repository));
    }

    [SkippableFact]
    public async Task SetRepository_New_RoundTripsWithTrackedImagesByName()
    {
        var repository = new RepositoryRecord("acme/gitops", 1, "main", "version: 1\n", null, ["ghcr.io/acme/web", "ghcr.io/acme/api"], Start);

        await Store.SetRepositoryAsync(repository);

        var stored = await Store.GetRepositoryAsync("acme/gitops");
        Assert.NotNull(stored);
        Assert.Equal(repository with { TrackedImages = stored.TrackedImages }, stored);
        Assert.Equal(["ghcr.io/acme/api", "ghcr.io/acme/web"], stored.TrackedImages);
    }

    [SkippableFact]
    public async Task SetRepository_NothingTracked_RoundTripsAnEmptyList()
    {
        await Store.SetRepositoryAsync(new RepositoryRecord("acme/gitops", 1, null, null, "version: must be 1", [], Start));

        var stored = await Store.GetRepositoryAsync("acme/gitops");

        Assert.Equal(("version: must be 1", 0), (stored!.ConfigError, stored.TrackedImages.Count));
        Assert.Single(await Store.ListRepositoriesAsync(1));
    }

    [SkippableFact]
    public async Task SetRepository_Existing_ReplacesFieldsAndTrackedImages()
    {
        await Store.SetRepositoryAsync(Repository("acme/gitops", 1, "ghcr.io/acme/api", "ghcr.io/acme/web"));
        var replaced = new RepositoryRecord("acme/gitops", 1, "trunk", "version: 1\n", null, ["ghcr.io/acme/db"], Start.AddHours(1));

        await Store.SetRepositoryAsync(replaced);

        var stored = await Store.GetRepositoryAsync("acme/gitops");
        Assert.NotNull(stored);
        Assert.Equal(replaced with { TrackedImages = stored.TrackedImages }, stored);
        Assert.Equal(["ghcr.io/acme/db"], stored.TrackedImages);
        Assert.Empty(await Store.FindRepositoriesTrackingAsync(1, "ghcr.io/acme/api"));
        Assert.Single(await Store.FindRepositoriesTrackingAsync(1, "ghcr.io/acme/db"));
    }

    [SkippableFact]
    public async Task SetRepository_MovedToAnotherInstallation_IsFoundOnlyThere()
    {
        await Store.SetRepositoryAsync(Repository("acme/gitops", 1, "ghcr.io/acme/api"));

        await Store.SetRepositoryAsync(Repository("acme/gitops", 2, "ghcr.io/acme/api"));

        Assert.Empty(await Store.FindRepositoriesTrackingAsync(1, "ghcr.io/acme/api"));
        Assert.Empty(await Store.ListRepositoriesAsync(1));
        Assert.Single(await Store.FindRepositoriesTrackingAsync(2, "ghcr.io/acme/api"));
    }

    [SkippableFact]
    public async Task RemoveRepository_Known_ForgetsItAndItsTrackedImages()
    {
        await Store.SetRepositoryAsync(Repository("acme/gitops", 1, "ghcr.io/acme/api"));
        await Store.SetRepositoryAsync(Repository("acme/infra", 1, "ghcr.io/acme/api"));

        await Store.RemoveRepositoryAsync("acme/gitops");

        Assert.Null(await Store.GetRepositoryAsync("acme/gitops"));
        Assert.Equal(["acme/infra"], (await Store.FindRepositoriesTrackingAsync(1, "ghcr.io/acme/api")).Select(r => r.Repository));
    }

    [SkippableFact]
    public async Task ListRepositories_Installation_ReturnsOnlyItsRepositoriesByName()
    {
        await Store.SetRepositoryAsync(Repository("acme/zeta", 1, "ghcr.io/acme/api"));
        await Store.SetRepositoryAsync(Repository("acme/alpha", 1, "ghcr.io/acme/api", "ghcr.io/acme/web"));
        await Store.SetRepositoryAsync(Repository("globex/gitops", 2, "ghcr.io/acme/api"));

        var repositories = await Store.ListRepositoriesAsync(1);

        Assert.Equal(["acme/alpha", "acme/zeta"], repositories.Select(r => r.Repository));
        Assert.Equal(["ghcr.io/acme/api", "ghcr.io/acme/web"], repositories[0].TrackedImages);
    }

    [SkippableFact]
    public async Task FindRepositoriesTracking_SameImageInTwoInstallations_EachSeesOnlyItsOwn()
    {
        await Store.SetRepositoryAsync(Repository("acme/gitops", 1, "ghcr.io/shared/api", "ghcr.io/acme/web"));
        await Store.SetRepositoryAsync(Repository("acme/other", 1, "ghcr.io/acme/web"));
        await Store.SetRepositoryAsync(Repository("globex/gitops", 2, "ghcr.io/shared/api"));

        var first = await Store.FindRepositoriesTrackingAsync(1, "ghcr.io/shared/api");
        var second = await Store.FindRepositoriesTrackingAsync(2, "ghcr.io/shared/api");

        Assert.Equal("acme/gitops", Assert.Single(first).Repository);
        Assert.Equal(["ghcr.io/acme/web", "ghcr.io/shared/api"], first[0].TrackedImages);
        Assert.Equal("globex/gitops", Assert.Single(second).Repository);
        Assert.Empty(await Store.FindRepositoriesTrackingAsync(3, "ghcr.io/shared/api"));
    }

    // ---- pull requests ----

    [SkippableFact]
    public async Task SetPullRequest_New_IsFoundByTargetAndByNumber()
    {
        var pullRequest = new PullRequestRecord(Target(), 7, "https://github.com/acme/gitops/pull/7", "gitops-bridge/dev", "open", Start);

        await Store.SetPullRequestAsync(pullRequest);

        Assert.Equal(pullRequest, await Store.GetPullRequestAsync(Target()));
        Assert.Equal(pullRequest, await Store.FindPullRequestAsync("acme/gitops", 7));
        Assert.Null(await Store.FindPullRequestAsync("acme/other", 7));
        Assert.Null(await Store.FindPullRequestAsync("acme/gitops", 8));
        Assert.Null(await Store.GetPullRequestAsync(Target(environment: "prod")));
    }

    [SkippableFact]
    public async Task SetPullRequest_SameTarget_ReplacesThePreviousOne()
    {
        await Store.SetPullRequestAsync(new PullRequestRecord(Target(), 7, "https://github.com/acme/gitops/pull/7", "gitops-bridge/dev", "open", Start));
        var next = new PullRequestRecord(Target(), 9, "https://github.com/acme/gitops/pull/9", "gitops-bridge/dev", "merged", Start.AddHours(1));

        await Store.SetPullRequestAsync(next);

        Assert.Equal(next, await Store.GetPullRequestAsync(Target()));
        Assert.Null(await Store.FindPullRequestAsync("acme/gitops", 7));
    }

    // ---- target controls ----

    [SkippableFact]
    public async Task SetTargetControl_New_IsReadBackForItsTargetOnly()
    {
        var declined = new TargetControl(TargetControlKinds.Declined, "ghcr.io/acme/web", "1.5.0", "sha256:" + new string('a', 64), "octocat", Start);
        var held = new TargetControl(TargetControlKinds.Held, "", null, null, "hubot", Start.AddMinutes(1));

        await Store.SetTargetControlAsync(Target(), held);
        await Store.SetTargetControlAsync(Target(), declined);

        Assert.Equal([declined, held], await Store.GetTargetControlsAsync(Target()));
        Assert.Empty(await Store.GetTargetControlsAsync(Target(environment: "prod")));
        Assert.Empty(await Store.GetTargetControlsAsync(Target(installation: 2)));
    }

    [SkippableFact]
    public async Task SetTargetControl_SameKindAndImage_ReplacesThePreviousOne()
    {
        await Store.SetTargetControlAsync(Target(), new TargetControl(TargetControlKinds.Pinned, "ghcr.io/acme/web", "1.5.0", null, "octocat", Start));
        var next = new TargetControl(TargetControlKinds.Pinned, "ghcr.io/acme/web", "1.4.0", null, "hubot", Start.AddHours(1));
        var other = new TargetControl(TargetControlKinds.Pinned, "ghcr.io/acme/api", "2.0.0", null, null, Start);

        await Store.SetTargetControlAsync(Target(), next);
        await Store.SetTargetControlAsync(Target(), other);

        Assert.Equal([other, next], await Store.GetTargetControlsAsync(Target()));
    }

    [SkippableFact]
    public async Task RemoveTargetControls_KindAndImage_RemovesOnlyThose()
    {
        await Store.SetTargetControlAsync(Target(), new TargetControl(TargetControlKinds.Declined, "ghcr.io/acme/web", "1.5.0", null, null, Start));
        await Store.SetTargetControlAsync(Target(), new TargetControl(TargetControlKinds.Declined, "ghcr.io/acme/api", "2.0.0", null, null, Start));
        var pin = new TargetControl(TargetControlKinds.Pinned, "ghcr.io/acme/web", "1.4.0", null, null, Start);
        await Store.SetTargetControlAsync(Target(), pin);
        await Store.SetTargetControlAsync(Target(environment: "prod"), new TargetControl(TargetControlKinds.Declined, "ghcr.io/acme/web", "1.5.0", null, null, Start));

        Assert.Equal(1, await Store.RemoveTargetControlsAsync(Target(), TargetControlKinds.Declined, "ghcr.io/acme/api"));
        Assert.Equal(1, await Store.RemoveTargetControlsAsync(Target(), TargetControlKinds.Declined, null));
        Assert.Equal(0, await Store.RemoveTargetControlsAsync(Target(), TargetControlKinds.Held, null));

        Assert.Equal([pin], await Store.GetTargetControlsAsync(Target()));
        Assert.Single(await Store.GetTargetControlsAsync(Target(environment: "prod")));
    }

    // ---- schema ----

    [SkippableFact]
    public async Task Initialize_Again_IsIdempotentAndKeepsData()
    {
        await Store.InsertDeliveryAsync(Delivery("d1", Start), "body");
        await Store.EnqueueAsync(JobKind.Delivery, "d1", "acme/gitops", Start, null);

        await Store.InitializeAsync();
        var other = await OpenInitializedAsync(Time);

        Assert.Equal("body", await other.GetDeliveryBodyAsync("d1"));
        Assert.Equal(1, (await other.GetQueueStatsAsync()).Pending);
        Assert.Equal(InsertDeliveryResult.Inserted, await other.InsertDeliveryAsync(Delivery("d2", Start), "body"));
        Assert.Equal(2, await Store.CountDeliveriesAsync());
    }

    // ---- dashboard listings ----

    [SkippableFact]
    public async Task QueryDeliveries_ByStatusAndRepository_ReturnsOnlyMatchesNewestFirst()
    {
        await Store.InsertDeliveryAsync(Delivery("old-done", Start), "{}");
        await Store.InsertDeliveryAsync(Delivery("new-done", Start.AddMinutes(2)), "{}");
        await Store.InsertDeliveryAsync(Delivery("failed", Start.AddMinutes(1)), "{}");
        await Store.InsertDeliveryAsync(Delivery("other-repo", Start.AddMinutes(3)), "{}");
        foreach (var id in new[] { "old-done", "new-done" })
        {
            await Store.SetDeliveryStatusAsync(id, DeliveryStatus.Done, null, "pull request opened");
            await Store.AddTargetOutcomeAsync(id, new TargetOutcome("acme/gitops", "dev", DeliveryStatus.Done, null, null, 1, null, "opened"));
        }

        await Store.SetDeliveryStatusAsync("failed", DeliveryStatus.Failed, "error", "boom");
        await Store.AddTargetOutcomeAsync("failed", new TargetOutcome("acme/gitops", "prod", DeliveryStatus.Failed, "error", "boom", null, null, null));
        await Store.SetDeliveryStatusAsync("other-repo", DeliveryStatus.Done, null, null);
        await Store.AddTargetOutcomeAsync("other-repo", new TargetOutcome("acme/other", "dev", DeliveryStatus.Done, null, null, 2, null, "opened"));

        var done = await Store.QueryDeliveriesAsync(new DeliveryQuery(10, DeliveryStatus.Done, "acme/gitops"));
        var repository = await Store.QueryDeliveriesAsync(new DeliveryQuery(10, Repository: "acme/gitops"));
        var all = await Store.QueryDeliveriesAsync(new DeliveryQuery(10));

        Assert.Equal(["new-done", "old-done"], done.Select(d => d.Id));
        Assert.Equal(["new-done", "failed", "old-done"], repository.Select(d => d.Id));
        Assert.Equal(["other-repo", "new-done", "failed", "old-done"], all.Select(d => d.Id));
    }

    [SkippableFact]
    public async Task QueryDeliveries_LimitAndBefore_PagesWithoutOverlap()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.InsertDeliveryAsync(Delivery($"d{i}", Start.AddMinutes(i)), "{}");
        }

        var first = await Store.QueryDeliveriesAsync(new DeliveryQuery(2));
        var second = await Store.QueryDeliveriesAsync(new DeliveryQuery(2, Before: first[^1].ReceivedAt));
        var none = await Store.QueryDeliveriesAsync(new DeliveryQuery(10, DeliveryStatus.Rejected));

        Assert.Equal(["d4", "d3"], first.Select(d => d.Id));
        Assert.Equal(["d2", "d1"], second.Select(d => d.Id));
        Assert.Empty(none);
    }

    [SkippableFact]
    public async Task ListDesiredImages_SeveralTargets_ListsEveryImageByNameThenTarget()
    {
        await Store.UpsertDesiredImageAsync(Target(environment: "prod"), Image("ghcr.io/acme/api", "1.0.0", "d1"));
        await Store.UpsertDesiredImageAsync(Target(environment: "dev"), Image("ghcr.io/acme/api", "1.1.0", "d2"));
        await Store.UpsertDesiredImageAsync(Target(environment: "dev"), Image("ghcr.io/acme/web", "2.0.0", "d3"));

        var all = await Store.ListDesiredImagesAsync();

        Assert.Equal(
            [("ghcr.io/acme/api", "dev", "1.1.0"), ("ghcr.io/acme/api", "prod", "1.0.0"), ("ghcr.io/acme/web", "dev", "2.0.0")],
            all.Select(t => (t.Image.ImageName, t.Target.Environment, t.Image.Tag)));
        Assert.Equal(new TargetImage(Target(environment: "dev"), Image("ghcr.io/acme/web", "2.0.0", "d3")), all[2]);
    }

    [SkippableFact]
    public async Task ListJobs_WaitingAndRetried_ListsDueFirstWithLastError()
    {
        await Store.EnqueueAsync(JobKind.Target, "later", "acme/b", Start.AddMinutes(5), "trace-b");
        await Store.EnqueueAsync(JobKind.Delivery, "first", "acme/a", Start, "trace-a");
        var lease = await Store.TryLeaseAsync("w1", LeaseTime);
        await Store.RetryAsync(lease!, Start.AddMinutes(1), "GitHubApiException: 502 Bad Gateway");

        var jobs = await Store.ListJobsAsync(10);
        var one = await Store.ListJobsAsync(1);

        Assert.Equal([("first", 1, "GitHubApiException: 502 Bad Gateway"), ("later", 0, (string?)null)], jobs.Select(j => (j.Key, j.Attempt, j.LastError)));
        Assert.Equal((JobKind.Delivery, "acme/a", "trace-a", Start.AddMinutes(1)), (jobs[0].Kind, jobs[0].LockKey, jobs[0].TraceId, jobs[0].NotBefore));
        Assert.Single(one);
    }

    [SkippableFact]
    public async Task ListPullRequests_ByState_ReturnsOnlyThatStateOrAll()
    {
        var open = new PullRequestRecord(Target(environment: "dev"), 7, "https://github.com/acme/gitops/pull/7", "gitops-bridge/dev", "open", Start);
        var merged = new PullRequestRecord(Target(environment: "prod"), 8, "https://github.com/acme/gitops/pull/8", "gitops-bridge/prod", "merged", Start);
        var otherOpen = new PullRequestRecord(Target("acme/apps", "dev"), 3, "https://github.com/acme/apps/pull/3", "gitops-bridge/dev", "open", Start);
        await Store.SetPullRequestAsync(open);
        await Store.SetPullRequestAsync(merged);
        await Store.SetPullRequestAsync(otherOpen);

        Assert.Equal([otherOpen, open], await Store.ListPullRequestsAsync("open"));
        Assert.Equal([otherOpen, open, merged], await Store.ListPullRequestsAsync(null));
        Assert.Empty(await Store.ListPullRequestsAsync("closed"));
    }

    // ---- helpers ----

    private async Task<(int Pending, int Leased)> PendingAndLeasedAsync()
    {
        var stats = await Store.GetQueueStatsAsync();
        return (stats.Pending, stats.Leased);
    }

    private static DeliveryRecord Delivery(string id, DateTimeOffset receivedAt, string bodySha256 = "aaaa") =>
        new(id, "github", "registry_package", receivedAt, DeliveryStatus.Pending, null, null, bodySha256, 42, "4bf92f3577b34da6a3ce929d0e0e4736");

    private static TargetKey Target(string repository = "acme/gitops", string environment = "dev", long installation = 1) =>
        new(installation, repository, "main", environment);

    private static DesiredImage Image(string name, string? tag, string deliveryId) =>
        new(name, tag, null, deliveryId, new Provenance("acme/api", "1a2b3c4", "https://github.com/acme/api/actions/runs/1", "octocat"), Start);

    private static RepositoryRecord Repository(string name, long installation, params string[] images) =>
        new(name, installation, "main", "version: 1\n", null, images, Start);
}
