using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Notifications;

/// <summary>Marks one of the caller's notifications read (again is a no-op), or all of them.</summary>
public sealed class MarkNotificationRead(TrustDeskDb db, TimeProvider time)
{
    /// <returns>The notification, or null when it is not the caller's (answered 404, like one that does not exist).</returns>
    public async Task<NotificationView?> HandleAsync(Guid userId, Guid notificationId, CancellationToken cancellationToken)
    {
        var notification = await db.Notifications.FirstOrDefaultAsync(n => n.Id == notificationId && n.UserId == userId, cancellationToken);
        if (notification is null)
        {
            return null;
        }

        notification.MarkRead(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        return ListNotifications.ToView(notification);
    }

    public async Task<int> AllAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await db.Notifications.Where(n => n.UserId == userId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
    }
}
