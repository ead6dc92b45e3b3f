using HiveSync.Grains.Interfaces.Platform;

namespace HiveSync.Grains.Interfaces.Email;

/// <summary>
/// The retry grain of the email outbox (key 0; see <see cref="IStoredWorkRetryGrain"/>): a reminder that survives
/// silo restarts delivers due messages every <c>Email:Delivery:RetryPeriod</c>.
/// </summary>
public interface IEmailDeliveryRetryGrain : IStoredWorkRetryGrain
{
}
