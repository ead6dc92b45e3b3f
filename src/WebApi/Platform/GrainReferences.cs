using Orleans.GrainReferences;
using Orleans.Metadata;
using Orleans.Runtime;

namespace HiveSync.WebApi.Platform;

/// <summary>
/// References to grains of one interface with integer keys, for the per-request path. Orleans'
/// <c>GetGrain&lt;T&gt;(long)</c> works out the interface's and grain class's type names again on every call
/// (attribute reads and type-name formatting: a few percent of a request's CPU); here that is done once.
/// </summary>
public sealed class GrainReferences<TGrain>
    where TGrain : IGrainWithIntegerKey
{
    private readonly GrainReferenceActivator _activator;
    private readonly GrainInterfaceType _interfaceType;
    private readonly GrainType _grainType;

    public GrainReferences(GrainReferenceActivator activator, GrainInterfaceTypeResolver interfaces, GrainInterfaceTypeToGrainTypeResolver grainTypes)
    {
        _activator = activator;
        _interfaceType = interfaces.GetGrainInterfaceType(typeof(TGrain));
        _grainType = grainTypes.GetGrainType(_interfaceType);
    }

    public TGrain Get(long key) => (TGrain)(object)_activator.CreateReference(GrainId.Create(_grainType, GrainIdKeyExtensions.CreateIntegerKey(key)), _interfaceType);
}
