using HiveSync.Grains.Interfaces.Email;
using HiveSync.Grains.Platform;

namespace HiveSync.Grains.Email;

/// <summary>Comes back to messages not yet delivered every <c>Email:Delivery:RetryPeriod</c>. Its class name is the grain type of its stored reminder: keep it.</summary>
public sealed class EmailDeliveryRetryGrain(EmailDelivery delivery) : StoredWorkRetryGrain(delivery, ReminderName), IEmailDeliveryRetryGrain
{
    public const string ReminderName = "email-delivery-retry";
}
