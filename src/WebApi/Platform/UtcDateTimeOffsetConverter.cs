using System.Text.Json;
using System.Text.Json.Serialization;

namespace HiveSync.WebApi.Platform;

/// <summary>Every timestamp leaves as ISO 8601 in UTC with a <c>Z</c> suffix, whatever offset it carried.</summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime);
}
