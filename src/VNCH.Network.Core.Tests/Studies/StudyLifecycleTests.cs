using System.Text.Json;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Tests.Studies;

public sealed class StudyLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 7, 0, 0, TimeSpan.Zero);
    private static readonly StatusReason Reason = new("test-reason", "because");

    /// <summary>The lifecycle of ADR 0006, written out independently of the implementation's table.</summary>
    public static readonly Dictionary<StudyStatus, StudyStatus[]> Expected = new()
    {
        [StudyStatus.Received] = [StudyStatus.Received, StudyStatus.Queued, StudyStatus.Rejected, StudyStatus.Failed],
        [StudyStatus.Queued] = [StudyStatus.Analysing, StudyStatus.Failed],
        [StudyStatus.Analysing] = [StudyStatus.Received, StudyStatus.Analysing, StudyStatus.Completed, StudyStatus.NoAnalyser, StudyStatus.Rejected, StudyStatus.Failed],
        [StudyStatus.Completed] = [StudyStatus.Received, StudyStatus.Reviewed],
        [StudyStatus.Reviewed] = [StudyStatus.Received, StudyStatus.Reviewed],
        [StudyStatus.NoAnalyser] = [StudyStatus.Received],
        [StudyStatus.Rejected] = [StudyStatus.Received],
        [StudyStatus.Failed] = [StudyStatus.Received],
    };

    public static TheoryData<StudyStatus, StudyStatus> EveryPair()
    {
        var data = new TheoryData<StudyStatus, StudyStatus>();
        foreach (var from in Enum.GetValues<StudyStatus>())
        {
            foreach (var to in Enum.GetValues<StudyStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Fact]
    public void The_transition_table_is_the_documented_lifecycle()
    {
        Assert.Equal(Enum.GetValues<StudyStatus>().Order(), StudyLifecycle.Transitions.Keys.Order());
        foreach (var (from, allowed) in Expected)
        {
            Assert.Equal(allowed.Order(), StudyLifecycle.Transitions[from].Order());
        }
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Each_transition_method_moves_exactly_where_the_table_allows(StudyStatus from, StudyStatus to)
    {
        var study = NewStudy().WalkTo(from, T0);
        var at = T0.AddMinutes(5);
        Action move = to switch
        {
            StudyStatus.Received => () => study.Receive(at),
            StudyStatus.Queued => () => study.MarkQueued(at),
            StudyStatus.Analysing => () => study.StartAnalysis(at),
            StudyStatus.Completed => () => study.Complete(at),
            StudyStatus.NoAnalyser => () => study.FinishWithoutAnalyser(at, Reason),
            StudyStatus.Rejected => () => study.Reject(at, Reason),
            StudyStatus.Reviewed => () => study.Review(StudyStates.TestReview(at)),
            _ => () => study.Fail(at, Reason),
        };

        // Two methods do more than one table step, by design: StartAnalysis from received records the queued step
        // the worker overtook, and Receive leaves a queued study queued.
        var allowed = Expected[from].Contains(to)
            || (from == StudyStatus.Received && to == StudyStatus.Analysing)
            || (from == StudyStatus.Queued && to == StudyStatus.Received);
        if (!allowed)
        {
            var refused = Assert.Throws<InvalidStudyTransitionException>(move);
            Assert.Equal(from, refused.From);
            Assert.Equal(to, refused.To);
            Assert.Equal(from, study.Status);
            return;
        }

        move();
        var stayedQueued = from == StudyStatus.Queued && to == StudyStatus.Received;
        Assert.Equal(stayedQueued ? StudyStatus.Queued : to, study.Status);
        Assert.Equal(stayedQueued ? T0 : at, study.StatusTimes[study.Status]);
        Assert.Equal(to is StudyStatus.NoAnalyser or StudyStatus.Rejected or StudyStatus.Failed ? Reason : null, study.Reason);
    }

    [Fact]
    public void A_new_study_starts_received_and_nowhere_else()
    {
        Assert.Throws<InvalidStudyTransitionException>(() => NewStudy().Complete(T0));
        Assert.Throws<InvalidStudyTransitionException>(() => NewStudy().MarkQueued(T0));
        var study = NewStudy();
        Assert.True(study.Receive(T0));
        Assert.Equal(StudyStatus.Received, study.Status);
        Assert.Equal(T0, study.CreatedAt);
    }

    [Fact]
    public void A_document_for_a_queued_study_needs_no_second_work_item()
    {
        var study = NewStudy().WalkTo(StudyStatus.Queued, T0);
        Assert.False(study.Receive(T0.AddSeconds(1)));
        Assert.Equal(StudyStatus.Queued, study.Status);

        var completed = NewStudy().WalkTo(StudyStatus.Completed, T0);
        Assert.True(completed.Receive(T0.AddSeconds(1)));
        Assert.Equal(StudyStatus.Received, completed.Status);
        Assert.Null(completed.Reason);
    }

    [Fact]
    public void A_worker_that_overtakes_the_queued_update_records_both_times()
    {
        var study = NewStudy().WalkTo(StudyStatus.Received, T0);
        study.StartAnalysis(T0.AddSeconds(2));
        Assert.Equal(StudyStatus.Analysing, study.Status);
        Assert.Equal(T0.AddSeconds(2), study.StatusTimes[StudyStatus.Queued]);
        Assert.Equal(T0.AddSeconds(2), study.StatusTimes[StudyStatus.Analysing]);
    }

    [Theory]
    [InlineData(StudyStatus.Completed, true)]
    [InlineData(StudyStatus.NoAnalyser, true)]
    [InlineData(StudyStatus.Rejected, true)]
    [InlineData(StudyStatus.Failed, true)]
    [InlineData(StudyStatus.Received, false)]
    [InlineData(StudyStatus.Queued, false)]
    [InlineData(StudyStatus.Analysing, false)]
    public void Final_states_are_the_four_outcomes(StudyStatus status, bool final) =>
        Assert.Equal(final, NewStudy().WalkTo(status, T0).IsFinal);

    [Fact]
    public void The_lifecycle_state_survives_serialisation_though_it_has_no_public_setter()
    {
        var study = NewStudy().WalkTo(StudyStatus.Failed, T0);
        var copy = JsonSerializer.Deserialize<Study>(JsonSerializer.Serialize(study, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;
        Assert.Equal(StudyStatus.Failed, copy.Status);
        Assert.Equal(study.Reason, copy.Reason);
        Assert.Equal(study.StatusTimes, copy.StatusTimes);
    }

    private static Study NewStudy() => new()
    {
        Id = "study-1",
        Tenant = TenantId.Parse("hosp-a"),
        SubjectKey = "s01",
        Kind = StudyKind.Imaging,
    };
}
