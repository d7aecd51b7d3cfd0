using TrustDesk.Taxonomy;
using TrustDesk.Cases;
using TrustDesk.Queues;

namespace TrustDesk.Tests.Cases;

public sealed class MessageAttachmentOrderTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 21, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Attach_FilesMadeInTheSameMillisecond_KeepTheOrderTheyWereAttachedIn()
    {
        var actor = new Actor("agent", "a-1", "Agent");
        var @case = Case.Open("Slab photos", Severity.S3, null, DefaultQueues.All[0], Channel.Email, null, actor, Now);
        var message = @case.AddMessage(MessageDirection.Outbound, Channel.Email, "Photos attached", actor, Now);
        // Same clock for all: their version-7 ids are in random order within the millisecond, their positions are not.
        var files = Enumerable.Range(0, 20).Select(i => new MessageAttachment($"photo-{i}.png", "image/png", "image/png", 10, null, false, null, null, Now)).ToList();

        foreach (var file in files)
        {
            message.Attach(file);
        }

        Assert.Equal(Enumerable.Range(0, 20), files.Select(f => f.Position));
        Assert.Equal(files.Select(f => f.FileName), message.Attachments.OrderBy(a => a.Position).Select(a => a.FileName));
    }
}
