using System.Collections;
using System.Reflection;
using System.Text.Json;
using k8s.Models;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Reconciler;
using Xunit;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>
/// Issue 17, eighth round: the pass's draft status is a member-by-member copy of the cached one, not a JSON round trip.
/// The copy must hold every member (a new one left out fails here: the status is filled by reflection) and share no
/// object with the cached status (a step changing the draft must never change the cache).
/// </summary>
public sealed class StatusCopyTests
{
    [Fact]
    public void The_Copy_Of_A_Status_With_Every_Member_Set_Serializes_As_The_Original()
    {
        var original = (TinyImageStatus)Filled(typeof(TinyImageStatus), depth: 0, seed: 1);

        var copy = StatusCopy.Of(original);

        Assert.Equal(Json(original), Json(copy));
        Assert.Contains("\"history\":[{", Json(original), StringComparison.Ordinal); // the filler reached the nested lists
    }

    [Fact]
    public void The_Copy_Shares_No_Object_With_The_Original()
    {
        var original = (TinyImageStatus)Filled(typeof(TinyImageStatus), depth: 0, seed: 2);

        var copy = StatusCopy.Of(original);

        var originals = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Objects(original, originals);
        var copied = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Objects(copy, copied);
        Assert.True(originals.Count > 10, "the filler built nested objects and lists");
        Assert.Equal(originals.Count, copied.Count);
        Assert.DoesNotContain(copied, originals.Contains);
    }

    [Fact]
    public void Changing_The_Copy_Leaves_The_Original_As_It_Was()
    {
        var original = (TinyImageStatus)Filled(typeof(TinyImageStatus), depth: 0, seed: 3);
        var before = Json(original);

        var copy = StatusCopy.Of(original);
        copy.Conditions![0].Status = "Changed";
        copy.Conditions.Add(new V1Condition { Type = "Added", Status = "True" });
        copy.Build!.History![0].Digest = "sha256:changed";
        copy.Build.Toolchain!.Clear();
        copy.Serving!.Args![0] = "changed";
        copy.Serving.Env![0].SecretKeyRef!.Key = "changed";
        copy.Sbom!.Advisories!.High = 99;
        copy.Verification!.Passed = !copy.Verification.Passed;

        Assert.Equal(before, Json(original));
    }

    [Fact]
    public void Null_Members_And_Null_List_Items_Stay_Null()
    {
        var original = new TinyImageStatus
        {
            Phase = Phases.Pending,
            Conditions = [null!, new V1Condition { Type = Conditions.Ready, Status = Conditions.Unknown }],
        };

        var copy = StatusCopy.Of(original);

        Assert.Equal(Json(original), Json(copy));
        Assert.Null(copy.Build);
        Assert.Null(copy.Conditions![0]);
    }

    [Fact]
    public void A_Pass_Drafts_On_A_Copy_And_Never_Changes_The_Cached_Status()
    {
        var cached = new TinyImageResource
        {
            Metadata = new V1ObjectMeta { Name = "app", NamespaceProperty = "default", Generation = 2 },
            Spec = new TinyImageSpec(),
            Status = (TinyImageStatus)Filled(typeof(TinyImageStatus), depth: 0, seed: 4),
        };
        var before = Json(cached.Status);

        var run = new Reconciliation(cached, DateTimeOffset.UnixEpoch);
        run.SetCondition(Conditions.Ready, Conditions.True, "Done", "done");
        run.Status.Phase = Phases.Ready;

        Assert.Equal(before, Json(cached.Status));
        Assert.NotSame(cached.Status, run.Status);
    }

    private static string Json(TinyImageStatus status) => JsonSerializer.Serialize(status, ApiJson.TypeInfo<TinyImageStatus>());

    /// <summary>
    /// An instance of <paramref name="type"/> with every public settable property set to a value that is not its default
    /// (strings and numbers differ by member and seed, lists hold two items), so a member the copy leaves out shows.
    /// </summary>
    private static object Filled(Type type, int depth, int seed)
    {
        Assert.True(depth < 6, "the status types nest no deeper than this: " + type);
        var instance = Activator.CreateInstance(type)!;
        var index = 0;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            index++;
            property.SetValue(instance, Value(property.PropertyType, property.Name, depth, seed * 100 + index));
        }

        return instance;
    }

    private static object Value(Type type, string name, int depth, int seed)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return name + "-" + seed;
        }

        if (underlying == typeof(bool))
        {
            return true;
        }

        if (underlying == typeof(int))
        {
            return seed;
        }

        if (underlying == typeof(long))
        {
            return (long)seed * 1000;
        }

        if (underlying == typeof(DateTime))
        {
            return new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(seed);
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IList<>))
        {
            var item = underlying.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!;
            list.Add(Value(item, name, depth + 1, seed + 1));
            list.Add(Value(item, name, depth + 1, seed + 2));
            return list;
        }

        Assert.True(underlying.IsClass && underlying.Namespace is "TinyImage.Api.V1Alpha1" or "k8s.Models", "a status member of a type the filler does not know: " + underlying);
        return Filled(underlying, depth + 1, seed);
    }

    /// <summary>Every object (not string) reachable from <paramref name="value"/> through public properties and list items.</summary>
    private static void Objects(object? value, HashSet<object> seen)
    {
        if (value is null or string || value.GetType().IsValueType || !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            foreach (var item in items)
            {
                Objects(item, seen);
            }

            return;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            Objects(property.GetValue(value), seen);
        }
    }
}
