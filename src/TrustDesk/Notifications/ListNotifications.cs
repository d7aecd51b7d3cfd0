using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Notifications;

public sealed record NotificationView(Guid Id, string Kind, long CaseId, string CaseNumber, string Text, DateTime CreatedAt, DateTime? ReadAt);

public sealed record NotificationPage(IReadOnlyList<NotificationView> Items, int Unread);

/// <summary>A person's own notifications, newest first, with how many are unread. Nobody reads another's.</summary>
public sealed class ListNotifications(TrustDeskDb db)
{
    public const int MaxLimit = 200;

    public async Task<NotificationPage> HandleAsync(Guid userId, bool unreadOnly, int limit, CancellationToken cancellationToken)
    {
        var mine = db.Notifications.AsNoTracking().Where(n => n.UserId == userId);
        var shown = unreadOnly ? mine.Where(n => n.ReadAt == null) : mine;
        var items = await shown.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(Math.Clamp(limit, 1, MaxLimit)).ToListAsync(cancellationToken);
        return new NotificationPage([.. items.Select(ToView)], await UnreadAsync(userId, cancellationToken));
    }

    public Task<int> UnreadAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Notifications.CountAsync(n => n.UserId == userId && n.ReadAt == null, cancellationToken);

    public static NotificationView ToView(Notification n) =>
        new(n.Id, n.Kind, n.CaseId, Cases.Case.FormatNumber(n.CaseId), n.Text, n.CreatedAt, n.ReadAt);
}
