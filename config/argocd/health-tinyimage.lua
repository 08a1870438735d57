-- Argo CD health check for tinyimage.dev/TinyImage (resource.customizations.health.tinyimage.dev_TinyImage).
-- Healthy:     Ready=True and status.observedGeneration is the current metadata.generation.
-- Degraded:    Stalled=True (a failed build or a refused image: needs a spec change or a retry), with its reason and message.
-- Progressing: everything else (not yet observed, an older generation, building, verifying, deploying).
-- Vulnerable=True (a RustSec advisory affects the serving image, found by the re-audit) keeps Healthy: the workload
-- runs as verified and nothing is being changed; the finding is appended to the message so the UI shows it.
local hs = {}

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe the TinyImage"
  return hs
end

local generation = obj.metadata and obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local ready = nil
local stalled = nil
local vulnerable = nil
for _, condition in ipairs(obj.status.conditions or {}) do
  if condition.type == "Ready" then
    ready = condition
  elseif condition.type == "Stalled" then
    stalled = condition
  elseif condition.type == "Vulnerable" then
    vulnerable = condition
  end
end

if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = (stalled.reason or "Stalled") .. ": " .. (stalled.message or "")
  return hs
end

if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "Ready"
  if vulnerable ~= nil and vulnerable.status == "True" then
    hs.message = hs.message .. "; Vulnerable: " .. (vulnerable.message or vulnerable.reason or "")
  end
  return hs
end

hs.status = "Progressing"
if ready ~= nil and ready.message ~= nil and ready.message ~= "" then
  hs.message = ready.message
else
  hs.message = "Phase " .. (obj.status.phase or "Pending")
end
return hs
