namespace TrustDesk.Intake;

/// <summary>
/// One request's worth of intake (a report, a batch of events, a batch of subjects) waiting for the
/// <see cref="IntakeWriter"/>. It says which rows it needs, applies itself to a batch, and learns its outcome
/// only after the batch has committed.
/// </summary>
public abstract class IntakeWork
{
    /// <summary>Declares what this work will look up, so the batch can fetch it for everyone in a few queries.</summary>
    internal abstract void Collect(IntakeBatch.Needs needs);

    /// <summary>
    /// Applies the work to the batch's tracked entities. Must not save, and must set all of its outcome afresh: after a
    /// failed group commit the same work is applied again to a new batch.
    /// </summary>
    internal abstract void Apply(IntakeBatch batch);

    /// <summary>Called after the batch committed: the work is durable.</summary>
    internal abstract void Committed();

    internal abstract void Failed(Exception error);
}

public abstract class IntakeWork<TOutcome> : IntakeWork
{
    private readonly TaskCompletionSource<TOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TOutcome> Outcome => _outcome.Task;

    /// <summary>The outcome to hand back once committed; set by <see cref="IntakeWork.Apply"/>.</summary>
    protected abstract TOutcome BuildOutcome();

    internal override void Committed() => _outcome.TrySetResult(BuildOutcome());

    internal override void Failed(Exception error) => _outcome.TrySetException(error);
}
