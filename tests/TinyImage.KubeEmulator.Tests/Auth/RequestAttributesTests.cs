using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using TinyImage.KubeEmulator.Auth;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Auth;

/// <summary>
/// How a request becomes verb/group/resource/subresource/name/namespace: the cases of the real server's own tables
/// (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo_test.go TestGetAPIRequestInfo, TestFieldSelectorParsing).
/// </summary>
public sealed class RequestAttributesTests
{
    [Theory]
    [InlineData("GET", "/api/v1/namespaces", "list", "", "v1", "", "namespaces", "", "")]
    [InlineData("GET", "/api/v1/namespaces/other", "get", "", "v1", "other", "namespaces", "", "other")]
    [InlineData("GET", "/api/v1/namespaces/other/pods", "list", "", "v1", "other", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/other/pods/foo", "get", "", "v1", "other", "pods", "", "foo")]
    [InlineData("HEAD", "/api/v1/namespaces/other/pods/foo", "get", "", "v1", "other", "pods", "", "foo")]
    [InlineData("GET", "/api/v1/pods", "list", "", "v1", "", "pods", "", "")]
    [InlineData("GET", "/api/v1/proxy/namespaces/other/pods/foo", "proxy", "", "v1", "other", "pods", "", "foo")]
    [InlineData("GET", "/api/v1/proxy/namespaces/other/pods/foo/subpath/not/a/subresource", "proxy", "", "v1", "other", "pods", "", "foo")]
    [InlineData("GET", "/api/v1/watch/pods", "watch", "", "v1", "", "pods", "", "")]
    [InlineData("GET", "/api/v1/pods?watch=true", "watch", "", "v1", "", "pods", "", "")]
    [InlineData("GET", "/api/v1/pods?watch=false", "list", "", "v1", "", "pods", "", "")]
    [InlineData("GET", "/api/v1/watch/namespaces/other/pods", "watch", "", "v1", "other", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/other/pods?watch=1", "watch", "", "v1", "other", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/other/pods?watch=0", "list", "", "v1", "other", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/other/pods/foo/status", "get", "", "v1", "other", "pods", "status", "foo")]
    [InlineData("GET", "/api/v1/namespaces/other/pods/foo/proxy/subpath", "get", "", "v1", "other", "pods", "proxy", "foo")]
    [InlineData("PUT", "/api/v1/namespaces/other/finalize", "update", "", "v1", "other", "namespaces", "finalize", "other")]
    [InlineData("PUT", "/api/v1/namespaces/other/status", "update", "", "v1", "other", "namespaces", "status", "other")]
    [InlineData("PATCH", "/api/v1/namespaces/other/pods/foo", "patch", "", "v1", "other", "pods", "", "foo")]
    [InlineData("DELETE", "/api/v1/namespaces/other/pods/foo", "delete", "", "v1", "other", "pods", "", "foo")]
    [InlineData("POST", "/api/v1/namespaces/other/pods", "create", "", "v1", "other", "pods", "", "")]
    [InlineData("DELETE", "/api/v1/nodes", "deletecollection", "", "v1", "", "nodes", "", "")]
    [InlineData("DELETE", "/api/v1/namespaces", "deletecollection", "", "v1", "", "namespaces", "", "")]
    [InlineData("DELETE", "/api/v1/namespaces/other/pods", "deletecollection", "", "v1", "other", "pods", "", "")]
    [InlineData("DELETE", "/apis/extensions/v1/namespaces/other/pods", "deletecollection", "extensions", "v1", "other", "pods", "", "")]
    [InlineData("POST", "/apis/extensions/v1/namespaces/other/pods", "create", "extensions", "v1", "other", "pods", "", "")]
    [InlineData("POST", "/apis/extensions/v1beta3/namespaces/other/pods", "create", "extensions", "v1beta3", "other", "pods", "", "")]
    [InlineData("GET", "/apis/group/version/resource?fieldSelector=metadata.name=name1", "list", "group", "version", "", "resource", "", "name1")]
    [InlineData("GET", "/apis/group/version/resource?watch=true&fieldSelector=metadata.name=name1", "watch", "group", "version", "", "resource", "", "name1")]
    [InlineData("GET", "/apis/group/version/resource?fieldSelector=foo=bar", "list", "group", "version", "", "resource", "", "")]
    [InlineData("GET", "/apis/group/version/resource?fieldSelector=metadata.name=name1,foo", "list", "group", "version", "", "resource", "", "")]
    [InlineData("GET", "/apis/group/version/resource?watch=true&fieldSelector=metadata.name=name1,foo", "watch", "group", "version", "", "resource", "", "")]
    public void A_Resource_Request_Decodes_As_The_Real_RequestInfoFactory_Decodes_It(
        string method, string url, string verb, string group, string version, string ns, string resource, string subresource, string name)
    {
        var a = Decode(method, url);

        Assert.True(a.IsResourceRequest);
        Assert.Equal((verb, group, version, ns, resource, subresource, name), (a.Verb, a.ApiGroup, a.ApiVersion, a.Namespace, a.Resource, a.Subresource, a.Name));
    }

    [Theory]
    [InlineData("GET", "/api", "get")]
    [InlineData("GET", "/api/v1", "get")]
    [InlineData("GET", "/apis", "get")]
    [InlineData("GET", "/apis/extensions/v1", "get")]
    [InlineData("GET", "/version", "get")]
    [InlineData("POST", "/healthz", "post")]
    [InlineData("GET", "/", "get")]
    public void A_Path_Outside_The_Resource_Layout_Is_A_Non_Resource_Request_With_The_Lower_Cased_Method(string method, string url, string verb)
    {
        var a = Decode(method, url);

        Assert.False(a.IsResourceRequest);
        Assert.Equal(verb, a.Verb);
        Assert.Equal(url, a.Path);
    }

    private static RequestAttributes Decode(string method, string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? url : url[..q];
        var query = new QueryCollection(q < 0 ? [] : QueryHelpers.ParseQuery(url[q..]));
        return RequestAttributes.From(method, path, query);
    }
}
