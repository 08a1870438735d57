using System.Text.Json.Nodes;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.CustomResources;

/// <summary>
/// Validation ratcheting (CRDValidationRatcheting, GA in 1.33) as the apiextensions server does it: on an update, an error
/// on a value equal to its correlated old value is dropped (apiserver <c>schema/validation/ratcheting.go</c>): an object's
/// fields correlate by key at any depth, a list's items only in a list of type map (by its keys), never in an atomic list
/// (<c>cel/common/equality.go</c>); a changed value is validated in full, and rules at the root run whenever the object changed.
/// </summary>
public sealed class ValidationRatchetingTests
{
    // A Thing whose spec is { a: string, nested: { x, y: string }, items (atomic), named (list-map by name) }, with a status
    // subresource; the schema is tightened after the object was created (every string at most 3 characters).
    private static JsonObject Properties(int? maxLength)
    {
        JsonObject Str() => maxLength is { } max ? new JsonObject { ["type"] = "string", ["maxLength"] = max } : new JsonObject { ["type"] = "string" };
        JsonObject Item() => new()
        {
            ["type"] = "object",
            ["required"] = new JsonArray("name"),
            ["properties"] = new JsonObject { ["name"] = new JsonObject { ["type"] = "string" }, ["value"] = Str() },
        };
        return new JsonObject
        {
            ["a"] = Str(),
            ["nested"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["x"] = Str(), ["y"] = Str() } },
            ["items"] = new JsonObject { ["type"] = "array", ["items"] = Item() },
            ["named"] = new JsonObject
            {
                ["type"] = "array",
                ["x-kubernetes-list-type"] = "map",
                ["x-kubernetes-list-map-keys"] = new JsonArray("name"),
                ["items"] = Item(),
            },
        };
    }

    private static async Task<(ApiServerEmulator Kube, HttpClient Http)> StartWithTightenedSchemaAsync(JsonObject spec, JsonArray? rootRules = null)
    {
        var kube = await KubeHttp.StartAsync();
        var http = kube.CreateHttpClient();
        var crd = Crds.Thing(Properties(null));
        crd["spec"]!["versions"]![0]!["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        Crds.SchemaOf(crd)["properties"]!["status"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, crd)).Code);
        var (created, body) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("t", spec));
        Assert.True(created == 201, body.ToJsonString());

        var (_, current) = await http.GetJsonAsync(Crds.Path + "/things.example.com");
        var schema = Crds.SchemaOf(current);
        schema["properties"]!["spec"]!["properties"] = Properties(3);
        if (rootRules is not null)
        {
            schema["x-kubernetes-validations"] = rootRules;
        }

        var (replaced, replacedBody) = await http.PutJsonAsync(Crds.Path + "/things.example.com", current);
        Assert.True(replaced == 200, replacedBody.ToJsonString());
        return (kube, http);
    }

    // A too long value is one of the errors after which the rules are not evaluated (the apiextensions strategy's message).
    private const string NotChecked = "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

    private static JsonObject Spec() => new()
    {
        ["a"] = "long",
        ["nested"] = new JsonObject { ["x"] = "long", ["y"] = "ok" },
        ["items"] = new JsonArray(new JsonObject { ["name"] = "i", ["value"] = "long" }, new JsonObject { ["name"] = "j", ["value"] = "ok" }),
        ["named"] = new JsonArray(new JsonObject { ["name"] = "n", ["value"] = "long" }, new JsonObject { ["name"] = "m", ["value"] = "ok" }),
    };

    [Fact]
    public async Task An_Unchanged_Invalid_Field_Is_Ratcheted_At_Any_Depth_While_A_Changed_One_Is_Refused()
    {
        var (kube, http) = await StartWithTightenedSchemaAsync(Spec());
        await using var _ = kube;

        // Every invalid value stays as it was; a valid sibling changes at each level.
        var (siblings, siblingsBody) = await http.PatchJsonAsync(Crds.ThingsPath + "/t", new JsonObject
        {
            ["spec"] = new JsonObject { ["nested"] = new JsonObject { ["y"] = "no" } },
        });
        var (changed, changedBody) = await http.PatchJsonAsync(Crds.ThingsPath + "/t", new JsonObject
        {
            ["spec"] = new JsonObject { ["nested"] = new JsonObject { ["x"] = "longer" } },
        });

        Assert.True(siblings == 200, siblingsBody.ToJsonString());
        Assert.Equal(422, changed);
        Assert.Equal(["spec.nested.x: Too long: may not be more than 3 bytes", NotChecked], Crds.Causes(changedBody));
    }

    [Fact]
    public async Task An_Unchanged_Item_Of_A_List_Map_Is_Ratcheted_But_An_Atomic_List_Is_Validated_Whole_When_It_Changes()
    {
        var (kube, http) = await StartWithTightenedSchemaAsync(Spec());
        await using var _ = kube;
        var spec = Spec();

        // The list map: item "m" changes (valid), item "n" (invalid) is correlated by its key and unchanged.
        spec["named"]![1]!["value"] = "new";
        var (listMap, listMapBody) = await http.PatchJsonAsync(Crds.ThingsPath + "/t", new JsonObject { ["spec"] = spec.DeepClone() });

        // The atomic list: item "j" changes (valid); item "i" (invalid, unchanged) is not correlatable, so it is refused.
        spec["items"]![1]!["value"] = "new";
        var (atomic, atomicBody) = await http.PatchJsonAsync(Crds.ThingsPath + "/t", new JsonObject { ["spec"] = spec.DeepClone() });

        Assert.True(listMap == 200, listMapBody.ToJsonString());
        Assert.Equal(422, atomic);
        Assert.Equal(["spec.items[0].value: Too long: may not be more than 3 bytes", NotChecked], Crds.Causes(atomicBody));
    }

    [Fact]
    public async Task A_Status_Write_Ratchets_The_Whole_Unchanged_Spec_And_Validates_The_Status()
    {
        var (kube, http) = await StartWithTightenedSchemaAsync(Spec());
        await using var _ = kube;

        var (status, statusBody) = await http.PatchJsonAsync(Crds.ThingsPath + "/t/status", new JsonObject { ["status"] = new JsonObject { ["phase"] = "Ready" } });

        Assert.True(status == 200, statusBody.ToJsonString());
        Assert.Equal("Ready", (string?)statusBody["status"]?["phase"]);
    }

    [Fact]
    public async Task A_Root_Rule_Added_Later_Refuses_Every_Status_Write_Even_After_A_No_Op_Update()
    {
        // A rule at the root sees the whole object, which a status write changes: it runs (and here fails) on every status
        // write, also after a no-op update stored the object again under the new schema (nothing changed: nothing refused).
        var rules = new JsonArray(new JsonObject { ["rule"] = "self.metadata.name != 't'", ["message"] = "t is taken" });
        var (kube, http) = await StartWithTightenedSchemaAsync(new JsonObject { ["a"] = "ok" }, rules);
        await using var _ = kube;

        var (_, stored) = await http.GetJsonAsync(Crds.ThingsPath + "/t");
        var (noOp, noOpBody) = await http.PutJsonAsync(Crds.ThingsPath + "/t", stored);
        var (first, firstBody) = await http.PatchJsonAsync(Crds.ThingsPath + "/t/status", new JsonObject { ["status"] = new JsonObject { ["phase"] = "A" } });
        var (second, _) = await http.PatchJsonAsync(Crds.ThingsPath + "/t/status", new JsonObject { ["status"] = new JsonObject { ["phase"] = "B" } });

        Assert.True(noOp == 200, noOpBody.ToJsonString());
        Assert.Equal(422, first);
        Assert.Equal("Thing.example.com \"t\" is invalid: <nil>: Invalid value: \"object\": t is taken", (string?)firstBody["message"]);
        Assert.Equal(422, second);
    }

    [Fact]
    public async Task A_Root_Rule_That_Held_Holds_Again_For_Status_Writes_And_Is_Evaluated_For_Another_Object()
    {
        var kube = await KubeHttp.StartAsync();
        await using var _ = kube;
        var http = kube.CreateHttpClient();
        var crd = Crds.Thing(Properties(null));
        crd["spec"]!["versions"]![0]!["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        Crds.SchemaOf(crd)["properties"]!["status"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        Crds.SchemaOf(crd)["x-kubernetes-validations"] = new JsonArray(new JsonObject { ["rule"] = "self.metadata.name.size() <= 3", ["message"] = "name too long" });
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, crd)).Code);

        var (created, _) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("t", new JsonObject { ["a"] = "x" }));
        var (refused, refusedBody) = await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("long", new JsonObject { ["a"] = "x" }));
        var codes = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            codes.Add((await http.PatchJsonAsync(Crds.ThingsPath + "/t/status", new JsonObject { ["status"] = new JsonObject { ["n"] = i } })).Code);
        }

        Assert.Equal(201, created);
        Assert.Equal(422, refused);
        Assert.Equal("Thing.example.com \"long\" is invalid: <nil>: Invalid value: \"object\": name too long", (string?)refusedBody["message"]);
        Assert.Equal([200, 200, 200], codes);
    }

    [Fact]
    public async Task A_Status_Write_Prunes_And_Defaults_Its_Status_And_After_A_Schema_Change_The_Whole_Object()
    {
        var kube = await KubeHttp.StartAsync();
        await using var _ = kube;
        var http = kube.CreateHttpClient();
        var crd = Crds.Thing(new JsonObject { ["a"] = new JsonObject { ["type"] = "string" } });
        crd["spec"]!["versions"]![0]!["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        Crds.SchemaOf(crd)["properties"]!["status"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["phase"] = new JsonObject { ["type"] = "string" },
                ["level"] = new JsonObject { ["type"] = "string", ["default"] = "info" },
            },
        };
        Assert.Equal(201, (await http.PostJsonAsync(Crds.Path, crd)).Code);
        Assert.Equal(201, (await http.PostJsonAsync(Crds.ThingsPath, Crds.ThingObject("t", new JsonObject { ["a"] = "x" }))).Code);

        var (first, written) = await http.PatchJsonAsync(Crds.ThingsPath + "/t/status", new JsonObject { ["status"] = new JsonObject { ["phase"] = "A", ["unknown"] = 1 } });

        // A default added to the spec later: the next status write stores it too (the stored object predates the schema).
        var (_, current) = await http.GetJsonAsync(Crds.Path + "/things.example.com");
        Crds.SchemaOf(current)["properties"]!["spec"]!["properties"]!["b"] = new JsonObject { ["type"] = "string", ["default"] = "later" };
        Assert.Equal(200, (await http.PutJsonAsync(Crds.Path + "/things.example.com", current)).Code);
        var (second, rewritten) = await http.PatchJsonAsync(Crds.ThingsPath + "/t/status", new JsonObject { ["status"] = new JsonObject { ["phase"] = "B" } });

        Assert.Equal(200, first);
        Assert.Equal("""{"phase":"A","level":"info"}""", written["status"]!.ToJsonString());
        Assert.Equal(200, second);
        Assert.Equal("""{"phase":"B","level":"info"}""", rewritten["status"]!.ToJsonString());
        Assert.Equal("later", (string?)rewritten["spec"]?["b"]);
    }
}
