using System.Text.Json.Nodes;
using TinyImage.KubeEmulator;
using Xunit;
using static TinyImage.KubeEmulator.Tests.Auth.Rbac;

namespace TinyImage.KubeEmulator.Tests.Auth;

/// <summary>Requests with a ServiceAccount token, authorized by the RBAC rules as plugin/pkg/auth/authorizer/rbac/rbac.go evaluates them.</summary>
public sealed class AuthorizationTests
{
    private const string User = "system:serviceaccount:demo:app";

    [Fact]
    public async Task A_ServiceAccount_Is_Refused_A_Verb_Its_Role_Lacks_With_The_Real_403_Status()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var admin = kube.CreateHttpClient();
        var token = await ServiceAccountTokenAsync(admin, "demo", "app");
        await RoleAsync(admin, "demo", "reader", Rule(["get"], ["configmaps"]));
        await RoleBindingAsync(admin, "demo", "app-reader", "Role", "reader", "demo", "app");
        await admin.PostJsonAsync("/api/v1/namespaces/demo/configmaps", KubeHttp.ConfigMap("settings", "demo"));
        using var app = kube.CreateHttpClient(token);

        var get = await app.GetJsonAsync("/api/v1/namespaces/demo/configmaps/settings");
        var list = await app.GetJsonAsync("/api/v1/namespaces/demo/configmaps");
        var delete = await app.DeleteJsonAsync("/api/v1/namespaces/demo/configmaps/settings");

        Assert.Equal(200, get.Code);
        Assert.Equal(403, list.Code);
        Assert.Equal("Forbidden", (string?)list.Body["reason"]);
        Assert.Equal($"configmaps is forbidden: User \"{User}\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"demo\"", (string?)list.Body["message"]);
        Assert.Equal("""{"kind":"configmaps"}""", list.Body["details"]!.ToJsonString());
        Assert.Equal(403, delete.Code);
        Assert.Equal($"configmaps \"settings\" is forbidden: User \"{User}\" cannot delete resource \"configmaps\" in API group \"\" in the namespace \"demo\"", (string?)delete.Body["message"]);
        Assert.Equal("""{"name":"settings","kind":"configmaps"}""", delete.Body["details"]!.ToJsonString());
        Assert.True(kube.Get("v1", "configmaps", "demo", "settings").IsSuccess, "a refused delete deleted nothing");
    }

    [Fact]
    public async Task A_Binding_Created_After_A_Refusal_Allows_The_Very_Next_Request()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var admin = kube.CreateHttpClient();
        var token = await ServiceAccountTokenAsync(admin, "demo", "app");
        await RoleAsync(admin, "demo", "lister", Rule(["list", "watch"], ["configmaps"]));
        using var app = kube.CreateHttpClient(token);

        var before = await app.GetJsonAsync("/api/v1/namespaces/demo/configmaps");
        await RoleBindingAsync(admin, "demo", "app-lister", "Role", "lister", "demo", "app");
        var after = await app.GetJsonAsync("/api/v1/namespaces/demo/configmaps");
        var deleted = await admin.DeleteJsonAsync(RbacPath + "/namespaces/demo/rolebindings/app-lister");
        var revoked = await app.GetJsonAsync("/api/v1/namespaces/demo/configmaps");

        Assert.Equal(403, before.Code);
        Assert.Equal(200, after.Code);
        Assert.Equal(200, deleted.Code);
        Assert.Equal("Success", (string?)deleted.Body["status"]);
        Assert.Equal(403, revoked.Code);
    }

    [Fact]
    public async Task ResourceNames_Allow_The_Named_Object_And_Never_An_Unnamed_List_Or_Create()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var admin = kube.CreateHttpClient();
        var token = await ServiceAccountTokenAsync(admin, "demo", "app");
        await RoleAsync(admin, "demo", "one", Rule(["get", "list", "watch", "create", "update", "delete"], ["configmaps"], names: ["mine"]));
        await RoleBindingAsync(admin, "demo", "app-one", "Role", "one", "demo", "app");
        await admin.PostJsonAsync("/api/v1/namespaces/demo/configmaps", KubeHttp.ConfigMap("mine", "demo"));
        await admin.PostJsonAsync("/api/v1/namespaces/demo/configmaps", KubeHttp.ConfigMap("theirs", "demo"));
        using var app = kube.CreateHttpClient(token);

        var mine = await app.GetJsonAsync("/api/v1/namespaces/demo/configmaps/mine");
        var theirs = await app.GetJsonAsync("/api/v1/namespaces/demo/configmaps/theirs");
        var list = await app.GetJsonAsync("/api/v1/namespaces/demo/configmaps");
        var listOne = await app.GetJsonAsync("/api/v1/namespaces/demo/configmaps?fieldSelector=metadata.name%3Dmine");
        var listOther = await app.GetJsonAsync("/api/v1/namespaces/demo/configmaps?fieldSelector=metadata.name%3Dtheirs");
        var create = await app.PostJsonAsync("/api/v1/namespaces/demo/configmaps", KubeHttp.ConfigMap("mine2", "demo"));

        Assert.Equal(200, mine.Code);
        Assert.Equal(403, theirs.Code);
        Assert.Equal(403, list.Code);
        Assert.Equal(200, listOne.Code);
        Assert.Equal("mine", (string?)Assert.Single(listOne.Body["items"]!.AsArray())!["metadata"]!["name"]);
        Assert.Equal(403, listOther.Code);
        Assert.Equal(403, create.Code);
        Assert.Equal($"configmaps is forbidden: User \"{User}\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"demo\"", (string?)create.Body["message"]);
    }

    [Fact]
    public async Task The_Status_Subresource_Needs_Its_Own_Grant_And_Star_Slash_Status_Grants_It_For_Every_Resource()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var admin = kube.CreateHttpClient();
        var token = await ServiceAccountTokenAsync(admin, "demo", "app");
        await RoleAsync(admin, "demo", "widgets", Rule(["get", "update", "patch"], ["widgets"], groups: ["example.dev"]));
        await RoleBindingAsync(admin, "demo", "app-widgets", "Role", "widgets", "demo", "app");
        var (_, widget) = await admin.PostJsonAsync("/apis/example.dev/v1/namespaces/demo/widgets", KubeHttp.Widget("w", ns: "demo"));
        using var app = kube.CreateHttpClient(token);
        var statusPath = "/apis/example.dev/v1/namespaces/demo/widgets/w/status";

        var main = await app.PatchJsonAsync("/apis/example.dev/v1/namespaces/demo/widgets/w", new JsonObject { ["spec"] = new JsonObject { ["size"] = 2 } });
        var status = await app.PatchJsonAsync(statusPath, new JsonObject { ["status"] = new JsonObject { ["phase"] = "Ready" } });
        await RoleAsync(admin, "demo", "statuses", Rule(["patch"], ["*/status"], groups: ["*"]));
        await RoleBindingAsync(admin, "demo", "app-statuses", "Role", "statuses", "demo", "app");
        var allowed = await app.PatchJsonAsync(statusPath, new JsonObject { ["status"] = new JsonObject { ["phase"] = "Ready" } });
        var stillNotUpdate = await app.PutJsonAsync(statusPath, widget);

        Assert.Equal(200, main.Code);
        Assert.Equal(403, status.Code);
        Assert.Equal($"widgets.example.dev \"w\" is forbidden: User \"{User}\" cannot patch resource \"widgets/status\" in API group \"example.dev\" in the namespace \"demo\"", (string?)status.Body["message"]);
        Assert.Equal("""{"name":"w","group":"example.dev","kind":"widgets"}""", status.Body["details"]!.ToJsonString());
        Assert.Equal(200, allowed.Code);
        Assert.Equal(403, stillNotUpdate.Code);
    }

    [Fact]
    public async Task A_ClusterRole_Bound_By_A_RoleBinding_Grants_Only_In_The_Bindings_Namespace()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var admin = kube.CreateHttpClient();
        var token = await ServiceAccountTokenAsync(admin, "demo", "app");
        await admin.PostJsonAsync("/api/v1/namespaces", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "other" } });
        await ClusterRoleAsync(admin, "configmap-reader", Rule(["get", "list"], ["configmaps"]));
        await RoleBindingAsync(admin, "other", "app-reads-other", "ClusterRole", "configmap-reader", "demo", "app");
        using var app = kube.CreateHttpClient(token);

        var inOther = await app.GetJsonAsync("/api/v1/namespaces/other/configmaps");
        var inDemo = await app.GetJsonAsync("/api/v1/namespaces/demo/configmaps");
        var everywhere = await app.GetJsonAsync("/api/v1/configmaps");
        await ClusterRoleBindingAsync(admin, "app-reads-all", "configmap-reader", "demo", "app");
        var everywhereNow = await app.GetJsonAsync("/api/v1/configmaps");

        Assert.Equal(200, inOther.Code);
        Assert.Equal(403, inDemo.Code);
        Assert.Equal(403, everywhere.Code);
        Assert.Equal($"configmaps is forbidden: User \"{User}\" cannot list resource \"configmaps\" in API group \"\" at the cluster scope", (string?)everywhere.Body["message"]);
        Assert.Equal(200, everywhereNow.Code);
    }

    [Fact]
    public async Task A_Binding_To_A_Missing_Role_Is_Named_In_The_Refusal()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var admin = kube.CreateHttpClient();
        var token = await ServiceAccountTokenAsync(admin, "demo", "app");
        await RoleBindingAsync(admin, "demo", "dangling", "Role", "not-there", "demo", "app");
        using var app = kube.CreateHttpClient(token);

        var list = await app.GetJsonAsync("/api/v1/namespaces/demo/secrets");

        Assert.Equal(403, list.Code);
        Assert.Equal($"secrets is forbidden: User \"{User}\" cannot list resource \"secrets\" in API group \"\" in the namespace \"demo\": RBAC: role.rbac.authorization.k8s.io \"not-there\" not found", (string?)list.Body["message"]);
    }

    [Fact]
    public async Task Discovery_And_Version_Are_Open_To_Every_ServiceAccount_And_Other_Paths_Are_Not()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var admin = kube.CreateHttpClient();
        var token = await ServiceAccountTokenAsync(admin, "demo", "app");
        using var app = kube.CreateHttpClient(token);

        var version = await app.GetJsonAsync("/version");
        var apis = await app.GetJsonAsync("/apis");
        var group = await app.GetJsonAsync("/apis/rbac.authorization.k8s.io/v1");
        var metrics = await app.GetJsonAsync("/metrics");

        Assert.True(200 == version.Code, version.Body.ToJsonString());
        Assert.Equal(200, apis.Code);
        Assert.Equal(200, group.Code);
        Assert.Contains(group.Body["resources"]!.AsArray(), r => (string?)r!["name"] == "clusterrolebindings");
        Assert.Equal(403, metrics.Code);
        Assert.Equal($"forbidden: User \"{User}\" cannot get path \"/metrics\"", (string?)metrics.Body["message"]);
    }

    [Fact]
    public async Task Requests_Without_A_Token_Or_With_The_Admin_Token_Are_Cluster_Admin_And_An_Unknown_Token_Gets_401()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var anonymous = kube.CreateHttpClient();
        using var admin = kube.CreateHttpClient("kube-emulator");
        using var stranger = kube.CreateHttpClient("not-a-token");

        var noToken = await anonymous.GetJsonAsync("/api/v1/secrets");
        var adminToken = await admin.GetJsonAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles/cluster-admin");
        var unknown = await stranger.GetJsonAsync("/api/v1/namespaces");
        var unknownVersion = await stranger.GetJsonAsync("/version");

        Assert.Equal(200, noToken.Code);
        Assert.Equal(200, adminToken.Code);
        Assert.Equal(401, unknown.Code);
        Assert.Equal("Unauthorized", (string?)unknown.Body["reason"]);
        Assert.Equal(401, unknownVersion.Code);
    }

    [Fact]
    public async Task An_Aggregated_ClusterRole_Grants_The_Rules_Of_The_ClusterRoles_Its_Selector_Matches()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var admin = kube.CreateHttpClient();
        var token = await ServiceAccountTokenAsync(admin, "demo", "app");
        await CreatedAsync(admin, RbacPath + "/clusterroles", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "aggregate" },
            ["aggregationRule"] = new JsonObject { ["clusterRoleSelectors"] = new JsonArray(new JsonObject { ["matchLabels"] = new JsonObject { ["example.dev/aggregate-to-app"] = "true" } }) },
        });
        await RoleBindingAsync(admin, "demo", "app-aggregate", "ClusterRole", "aggregate", "demo", "app");
        using var app = kube.CreateHttpClient(token);

        var before = await app.GetJsonAsync("/api/v1/namespaces/demo/services");
        await CreatedAsync(admin, RbacPath + "/clusterroles", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "services-reader", ["labels"] = new JsonObject { ["example.dev/aggregate-to-app"] = "true" } },
            ["rules"] = new JsonArray(Rule(["list"], ["services"])),
        });
        var after = await app.GetJsonAsync("/api/v1/namespaces/demo/services");

        Assert.Equal(403, before.Code);
        Assert.Equal(200, after.Code);
    }

    [Fact]
    public async Task Rbac_Names_Are_Path_Segments_So_Colons_Are_Valid_And_Percent_Signs_Are_Not()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var admin = kube.CreateHttpClient();

        var colon = await admin.PostJsonAsync(RbacPath + "/clusterroles", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "example:reader" } });
        var percent = await admin.PostJsonAsync(RbacPath + "/clusterroles", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "50%" } });
        var bootstrap = await admin.GetJsonAsync(RbacPath + "/clusterrolebindings/system:basic-user");

        Assert.Equal(201, colon.Code);
        Assert.Equal(422, percent.Code);
        Assert.Equal("ClusterRole.rbac.authorization.k8s.io \"50%\" is invalid: metadata.name: Invalid value: \"50%\": may not contain '%'", (string?)percent.Body["message"]);
        Assert.Equal(200, bootstrap.Code);
        Assert.Equal("system:authenticated", (string?)bootstrap.Body["subjects"]![0]!["name"]);
    }

    [Fact]
    public async Task A_Bindings_RoleRef_Cannot_Change_And_A_ClusterRoleBinding_Cannot_Name_A_Role()
    {
        await using var kube = await KubeHttp.StartAsync();
        using var admin = kube.CreateHttpClient();
        await RoleBindingAsync(admin, "default", "b", "Role", "first", "default", "app");

        var changed = await admin.PatchJsonAsync(RbacPath + "/namespaces/default/rolebindings/b", new JsonObject { ["roleRef"] = new JsonObject { ["name"] = "second" } });
        var unchanged = await admin.PatchJsonAsync(RbacPath + "/namespaces/default/rolebindings/b", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["a"] = "b" } } });
        var roleInClusterBinding = await admin.PostJsonAsync(RbacPath + "/clusterrolebindings", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "c" },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Role", ["name"] = "first" },
        });

        Assert.Equal(422, changed.Code);
        Assert.Equal("RoleBinding.rbac.authorization.k8s.io \"b\" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"second\"}: cannot change roleRef", (string?)changed.Body["message"]);
        Assert.Equal(200, unchanged.Code);
        Assert.Equal(422, roleInClusterBinding.Code);
        Assert.Equal("ClusterRoleBinding.rbac.authorization.k8s.io \"c\" is invalid: roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"", (string?)roleInClusterBinding.Body["message"]);
    }
}
