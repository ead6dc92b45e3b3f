using Microsoft.Extensions.DependencyInjection;

namespace HiveSync.Grains.Comments;

public static class CommentServices
{
    public static IServiceCollection AddHiveSyncComments(this IServiceCollection services) => services.AddSingleton<CommentStore>();
}
