using HiveSync.Grains.Platform.Postgres;
using HiveSync.Silo;
using HiveSync.Silo.Admin;

try
{
    if (AdminCommand.Matches(args))
    {
        return await AdminCommand.RunAsync(args);
    }

    await using var silo = await SiloHost.BuildAsync(args);
    await silo.App.RunAsync();
    return 0;
}
catch (PostgresNotInstalledException error)
{
    await Console.Error.WriteLineAsync(error.Message);
    return 2;
}
