export function DiariesPage() {
  return <div class="page" />;
}
