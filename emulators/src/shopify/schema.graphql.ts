/**
 * The subset of the Shopify Admin GraphQL schema the emulator serves. Names, types and
 * nullability follow the real schema, so a query written for Shopify validates here (and a
 * field Shopify does not have is rejected here too).
 */
export const adminSchemaSdl = /* GraphQL */ `
  directive @idempotent(key: String!) on FIELD

  scalar DateTime
  scalar Decimal
  scalar Money
  scalar URL
  scalar UnsignedInt64

  interface Node {
    id: ID!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  enum CurrencyCode {
    USD
    CAD
    EUR
  }
  type MoneyV2 {
    amount: Decimal!
    currencyCode: CurrencyCode!
  }
  type MoneyBag {
    shopMoney: MoneyV2!
    presentmentMoney: MoneyV2!
  }

  type Shop implements Node {
    id: ID!
    name: String!
    myshopifyDomain: String!
    email: String!
    currencyCode: CurrencyCode!
    ianaTimezone: String!
    plan: ShopPlan!
  }
  type ShopPlan {
    displayName: String!
    partnerDevelopment: Boolean!
    shopifyPlus: Boolean!
  }

  enum OrderSortKeys {
    CREATED_AT
    CUSTOMER_NAME
    FINANCIAL_STATUS
    FULFILLMENT_STATUS
    ID
    NUMBER
    ORDER_NUMBER
    PROCESSED_AT
    RELEVANCE
    TOTAL_PRICE
    UPDATED_AT
  }
  enum OrderDisplayFinancialStatus {
    AUTHORIZED
    EXPIRED
    PAID
    PARTIALLY_PAID
    PARTIALLY_REFUNDED
    PENDING
    REFUNDED
    VOIDED
  }
  enum OrderDisplayFulfillmentStatus {
    FULFILLED
    IN_PROGRESS
    ON_HOLD
    OPEN
    PARTIALLY_FULFILLED
    PENDING_FULFILLMENT
    REQUEST_DECLINED
    RESTOCKED
    SCHEDULED
    UNFULFILLED
  }
  enum OrderCancelReason {
    CUSTOMER
    DECLINED
    FRAUD
    INVENTORY
    OTHER
    STAFF
  }

  type Customer implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    firstName: String
    lastName: String
    displayName: String!
    email: String
    phone: String
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type CustomerConnection {
    edges: [CustomerEdge!]!
    nodes: [Customer!]!
    pageInfo: PageInfo!
  }
  type CustomerEdge {
    cursor: String!
    node: Customer!
  }
  enum CustomerSortKeys {
    CREATED_AT
    ID
    NAME
    RELEVANCE
    UPDATED_AT
  }

  type MailingAddress {
    firstName: String
    lastName: String
    name: String
    address1: String
    address2: String
    city: String
    province: String
    provinceCode: String
    zip: String
    country: String
    countryCodeV2: String
    phone: String
  }

  type Order implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    email: String
    phone: String
    note: String
    test: Boolean!
    tags: [String!]!
    createdAt: DateTime!
    updatedAt: DateTime!
    processedAt: DateTime!
    cancelledAt: DateTime
    cancelReason: OrderCancelReason
    closed: Boolean!
    closedAt: DateTime
    currencyCode: CurrencyCode!
    displayFinancialStatus: OrderDisplayFinancialStatus
    displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
    totalPriceSet: MoneyBag!
    subtotalPriceSet: MoneyBag
    totalTaxSet: MoneyBag
    totalDiscountsSet: MoneyBag
    totalShippingPriceSet: MoneyBag!
    customer: Customer
    shippingAddress: MailingAddress
    lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean): LineItemConnection!
    fulfillmentOrders(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean
      query: String
    ): FulfillmentOrderConnection!
    fulfillments(first: Int): [Fulfillment!]!
    returns(first: Int, after: String, last: Int, before: String, reverse: Boolean, query: String): ReturnConnection!
  }
  type OrderEdge {
    cursor: String!
    node: Order!
  }
  type OrderConnection {
    edges: [OrderEdge!]!
    nodes: [Order!]!
    pageInfo: PageInfo!
  }

  type LineItem implements Node {
    id: ID!
    name: String!
    title: String!
    variantTitle: String
    sku: String
    quantity: Int!
    currentQuantity: Int!
    unfulfilledQuantity: Int!
    originalUnitPriceSet: MoneyBag!
    variant: ProductVariant
    product: Product
  }
  type LineItemEdge {
    cursor: String!
    node: LineItem!
  }
  type LineItemConnection {
    edges: [LineItemEdge!]!
    nodes: [LineItem!]!
    pageInfo: PageInfo!
  }

  enum ProductStatus {
    ACTIVE
    ARCHIVED
    DRAFT
  }
  enum ProductSortKeys {
    CREATED_AT
    ID
    INVENTORY_TOTAL
    PRODUCT_TYPE
    RELEVANCE
    TITLE
    UPDATED_AT
    VENDOR
  }
  type Product implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
    handle: String!
    vendor: String!
    productType: String!
    status: ProductStatus!
    createdAt: DateTime!
    updatedAt: DateTime!
    totalInventory: Int!
    variants(first: Int, after: String, last: Int, before: String, reverse: Boolean): ProductVariantConnection!
  }
  type ProductEdge {
    cursor: String!
    node: Product!
  }
  type ProductConnection {
    edges: [ProductEdge!]!
    nodes: [Product!]!
    pageInfo: PageInfo!
  }

  type ProductVariant implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
    displayName: String!
    sku: String
    price: Money!
    inventoryQuantity: Int
    createdAt: DateTime!
    updatedAt: DateTime!
    product: Product!
    inventoryItem: InventoryItem!
  }
  type ProductVariantEdge {
    cursor: String!
    node: ProductVariant!
  }
  type ProductVariantConnection {
    edges: [ProductVariantEdge!]!
    nodes: [ProductVariant!]!
    pageInfo: PageInfo!
  }

  type InventoryItem implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    sku: String
    tracked: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    variant: ProductVariant!
    inventoryLevel(locationId: ID!): InventoryLevel
    inventoryLevels(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean
      query: String
    ): InventoryLevelConnection!
  }
  type InventoryItemEdge {
    cursor: String!
    node: InventoryItem!
  }
  type InventoryItemConnection {
    edges: [InventoryItemEdge!]!
    nodes: [InventoryItem!]!
    pageInfo: PageInfo!
  }

  type InventoryQuantity {
    id: ID!
    name: String!
    quantity: Int!
    updatedAt: DateTime
  }
  type InventoryLevel implements Node {
    id: ID!
    item: InventoryItem!
    location: Location!
    createdAt: DateTime!
    updatedAt: DateTime!
    quantities(names: [String!]!): [InventoryQuantity!]!
  }
  type InventoryLevelEdge {
    cursor: String!
    node: InventoryLevel!
  }
  type InventoryLevelConnection {
    edges: [InventoryLevelEdge!]!
    nodes: [InventoryLevel!]!
    pageInfo: PageInfo!
  }

  type LocationAddress {
    address1: String
    city: String
    countryCode: String
  }
  type Location implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    isActive: Boolean!
    fulfillsOnlineOrders: Boolean!
    address: LocationAddress!
    inventoryLevel(inventoryItemId: ID!): InventoryLevel
    inventoryLevels(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean
      query: String
    ): InventoryLevelConnection!
  }
  type LocationEdge {
    cursor: String!
    node: Location!
  }
  type LocationConnection {
    edges: [LocationEdge!]!
    nodes: [Location!]!
    pageInfo: PageInfo!
  }

  enum FulfillmentOrderStatus {
    CANCELLED
    CLOSED
    INCOMPLETE
    IN_PROGRESS
    ON_HOLD
    OPEN
    SCHEDULED
  }
  type FulfillmentOrderAssignedLocation {
    name: String
    location: Location
  }
  type FulfillmentOrder implements Node {
    id: ID!
    status: FulfillmentOrderStatus!
    createdAt: DateTime!
    updatedAt: DateTime!
    orderId: ID!
    orderName: String!
    order: Order!
    assignedLocation: FulfillmentOrderAssignedLocation!
    lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean): FulfillmentOrderLineItemConnection!
  }
  type FulfillmentOrderEdge {
    cursor: String!
    node: FulfillmentOrder!
  }
  type FulfillmentOrderConnection {
    edges: [FulfillmentOrderEdge!]!
    nodes: [FulfillmentOrder!]!
    pageInfo: PageInfo!
  }
  type FulfillmentOrderLineItem implements Node {
    id: ID!
    sku: String
    totalQuantity: Int!
    remainingQuantity: Int!
    lineItem: LineItem!
  }
  type FulfillmentOrderLineItemEdge {
    cursor: String!
    node: FulfillmentOrderLineItem!
  }
  type FulfillmentOrderLineItemConnection {
    edges: [FulfillmentOrderLineItemEdge!]!
    nodes: [FulfillmentOrderLineItem!]!
    pageInfo: PageInfo!
  }

  enum FulfillmentStatus {
    CANCELLED
    ERROR
    FAILURE
    SUCCESS
  }
  type FulfillmentTrackingInfo {
    number: String
    url: URL
    company: String
  }
  type Fulfillment implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    status: FulfillmentStatus!
    createdAt: DateTime!
    updatedAt: DateTime!
    order: Order!
    location: Location
    trackingInfo(first: Int): [FulfillmentTrackingInfo!]!
    fulfillmentLineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean): FulfillmentLineItemConnection!
  }
  type FulfillmentLineItem implements Node {
    id: ID!
    quantity: Int
    lineItem: LineItem!
  }
  type FulfillmentLineItemEdge {
    cursor: String!
    node: FulfillmentLineItem!
  }
  type FulfillmentLineItemConnection {
    edges: [FulfillmentLineItemEdge!]!
    nodes: [FulfillmentLineItem!]!
    pageInfo: PageInfo!
  }

  enum ReturnStatus {
    CANCELED
    CLOSED
    DECLINED
    OPEN
    REQUESTED
  }
  enum ReturnReason {
    COLOR
    DEFECTIVE
    NOT_AS_DESCRIBED
    OTHER
    SIZE_TOO_LARGE
    SIZE_TOO_SMALL
    STYLE
    UNKNOWN
    UNWANTED
    WRONG_ITEM
  }
  type Return implements Node {
    id: ID!
    name: String!
    status: ReturnStatus!
    createdAt: DateTime
    totalQuantity: Int!
    order: Order!
    returnLineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean): ReturnLineItemConnection!
  }
  type ReturnEdge {
    cursor: String!
    node: Return!
  }
  type ReturnConnection {
    edges: [ReturnEdge!]!
    nodes: [Return!]!
    pageInfo: PageInfo!
  }
  type ReturnLineItem implements Node {
    id: ID!
    quantity: Int!
    returnReason: ReturnReason!
    customerNote: String
    fulfillmentLineItem: FulfillmentLineItem!
  }
  type ReturnLineItemEdge {
    cursor: String!
    node: ReturnLineItem!
  }
  type ReturnLineItemConnection {
    edges: [ReturnLineItemEdge!]!
    nodes: [ReturnLineItem!]!
    pageInfo: PageInfo!
  }

  enum WebhookSubscriptionTopic {
    APP_UNINSTALLED
    ORDERS_CREATE
    ORDERS_UPDATED
    ORDERS_CANCELLED
    ORDERS_FULFILLED
    ORDERS_PARTIALLY_FULFILLED
    ORDERS_PAID
    ORDERS_DELETE
    PRODUCTS_CREATE
    PRODUCTS_UPDATE
    PRODUCTS_DELETE
    CUSTOMERS_CREATE
    CUSTOMERS_UPDATE
    CUSTOMERS_DELETE
    INVENTORY_LEVELS_UPDATE
    FULFILLMENTS_CREATE
    FULFILLMENTS_UPDATE
    FULFILLMENT_ORDERS_FULFILLMENT_REQUEST_ACCEPTED
    RETURNS_REQUEST
    RETURNS_APPROVE
    RETURNS_DECLINE
    RETURNS_UPDATE
  }
  enum WebhookSubscriptionFormat {
    JSON
    XML
  }
  type WebhookHttpEndpoint {
    callbackUrl: URL!
  }
  union WebhookSubscriptionEndpoint = WebhookHttpEndpoint
  type WebhookSubscription implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    topic: WebhookSubscriptionTopic!
    format: WebhookSubscriptionFormat!
    uri: String!
    callbackUrl: URL!
    endpoint: WebhookSubscriptionEndpoint!
    includeFields: [String!]!
    filter: String
    apiVersion: String!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type WebhookSubscriptionEdge {
    cursor: String!
    node: WebhookSubscription!
  }
  type WebhookSubscriptionConnection {
    edges: [WebhookSubscriptionEdge!]!
    nodes: [WebhookSubscription!]!
    pageInfo: PageInfo!
  }

  type QueryRoot {
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
    shop: Shop!
    order(id: ID!): Order
    orders(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      query: String
      sortKey: OrderSortKeys = PROCESSED_AT
    ): OrderConnection!
    customer(id: ID!): Customer
    customers(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      query: String
      sortKey: CustomerSortKeys = ID
    ): CustomerConnection!
    product(id: ID!): Product
    products(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      query: String
      sortKey: ProductSortKeys = ID
    ): ProductConnection!
    productVariant(id: ID!): ProductVariant
    productVariants(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      query: String
    ): ProductVariantConnection!
    inventoryItem(id: ID!): InventoryItem
    inventoryItems(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      query: String
    ): InventoryItemConnection!
    inventoryLevel(id: ID!): InventoryLevel
    location(id: ID): Location
    locations(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String): LocationConnection!
    fulfillmentOrder(id: ID!): FulfillmentOrder
    fulfillment(id: ID!): Fulfillment
    return(id: ID!): Return
    webhookSubscription(id: ID!): WebhookSubscription
    webhookSubscriptions(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      topics: [WebhookSubscriptionTopic!]
    ): WebhookSubscriptionConnection!
  }

  type UserError {
    field: [String!]
    message: String!
  }

  input FulfillmentOrderLineItemInput {
    id: ID!
    quantity: Int!
  }
  input FulfillmentOrderLineItemsInput {
    fulfillmentOrderId: ID!
    fulfillmentOrderLineItems: [FulfillmentOrderLineItemInput!]
  }
  input FulfillmentTrackingInput {
    number: String
    url: URL
    company: String
    numbers: [String!]
    urls: [URL!]
  }
  input FulfillmentOriginAddressInput {
    address1: String
    address2: String
    city: String
    zip: String
    provinceCode: String
    countryCode: String!
  }
  input FulfillmentInput {
    lineItemsByFulfillmentOrder: [FulfillmentOrderLineItemsInput!]!
    trackingInfo: FulfillmentTrackingInput
    notifyCustomer: Boolean = false
    originAddress: FulfillmentOriginAddressInput
  }
  type FulfillmentCreatePayload {
    fulfillment: Fulfillment
    userErrors: [UserError!]!
  }
  type FulfillmentTrackingInfoUpdatePayload {
    fulfillment: Fulfillment
    userErrors: [UserError!]!
  }
  input OrderCloseInput {
    id: ID!
  }
  input OrderOpenInput {
    id: ID!
  }
  type OrderClosePayload {
    order: Order
    userErrors: [UserError!]!
  }
  type OrderOpenPayload {
    order: Order
    userErrors: [UserError!]!
  }

  input ReturnRequestLineItemInput {
    fulfillmentLineItemId: ID!
    quantity: Int!
    returnReason: ReturnReason!
    customerNote: String
  }
  input ReturnRequestInput {
    orderId: ID!
    returnLineItems: [ReturnRequestLineItemInput!]!
  }
  type ReturnRequestPayload {
    return: Return
    userErrors: [ReturnUserError!]!
  }
  input ReturnApproveRequestInput {
    id: ID!
    notifyCustomer: Boolean = false
  }
  enum ReturnDeclineReason {
    FINAL_SALE
    OTHER
    RETURN_PERIOD_ENDED
  }
  input ReturnDeclineRequestInput {
    id: ID!
    declineReason: ReturnDeclineReason!
    declineNote: String
    notifyCustomer: Boolean = false
  }
  type ReturnDeclineRequestPayload {
    return: Return
    userErrors: [ReturnUserError!]!
  }
  type ReturnApproveRequestPayload {
    return: Return
    userErrors: [ReturnUserError!]!
  }
  input ReturnLineItemCreateInput {
    fulfillmentLineItemId: ID!
    quantity: Int!
    returnReason: ReturnReason
    returnReasonNote: String = ""
  }
  input ReturnInput {
    orderId: ID!
    returnLineItems: [ReturnLineItemCreateInput!]!
    notifyCustomer: Boolean = false
    requestedAt: DateTime
  }
  type ReturnCreatePayload {
    return: Return
    userErrors: [ReturnUserError!]!
  }
  enum ReturnErrorCode {
    BLANK
    INVALID
    NOT_FOUND
    GREATER_THAN
    INVALID_STATE
  }
  type ReturnUserError {
    field: [String!]
    message: String!
    code: ReturnErrorCode
  }

  input InventoryChangeInput {
    delta: Int!
    inventoryItemId: ID!
    locationId: ID!
    ledgerDocumentUri: String
    changeFromQuantity: Int
  }
  input InventoryAdjustQuantitiesInput {
    name: String!
    reason: String!
    referenceDocumentUri: String
    changes: [InventoryChangeInput!]!
  }
  input InventoryQuantityInput {
    inventoryItemId: ID!
    locationId: ID!
    quantity: Int!
    compareQuantity: Int
    changeFromQuantity: Int
  }
  input InventorySetQuantitiesInput {
    name: String!
    reason: String!
    referenceDocumentUri: String
    quantities: [InventoryQuantityInput!]!
    ignoreCompareQuantity: Boolean = false
  }
  type InventoryChange {
    name: String!
    delta: Int!
    quantityAfterChange: Int
    ledgerDocumentUri: String
    item: InventoryItem
    location: Location
  }
  type InventoryAdjustmentGroup implements Node {
    id: ID!
    createdAt: DateTime!
    reason: String!
    referenceDocumentUri: String
    changes(inventoryItemIds: [ID!], locationIds: [ID!], quantityNames: [String!]): [InventoryChange!]!
  }
  enum InventoryAdjustQuantitiesUserErrorCode {
    INVALID_AVAILABLE_DOCUMENT
    INVALID_INVENTORY_ITEM
    INVALID_LOCATION
    INVALID_QUANTITY_NAME
    INVALID_REASON
    INVALID_REFERENCE_DOCUMENT
    ITEM_NOT_STOCKED_AT_LOCATION
    MAX_ONE_LEDGER_DOCUMENT
    NON_MUTABLE_INVENTORY_ITEM
    CHANGE_FROM_QUANTITY_STALE
    IDEMPOTENCY_CONCURRENT_REQUEST
  }
  type InventoryAdjustQuantitiesUserError {
    field: [String!]
    message: String!
    code: InventoryAdjustQuantitiesUserErrorCode
  }
  type InventoryAdjustQuantitiesPayload {
    inventoryAdjustmentGroup: InventoryAdjustmentGroup
    userErrors: [InventoryAdjustQuantitiesUserError!]!
  }
  enum InventorySetQuantitiesUserErrorCode {
    COMPARE_QUANTITY_REQUIRED
    COMPARE_QUANTITY_STALE
    CHANGE_FROM_QUANTITY_STALE
    INVALID_INVENTORY_ITEM
    INVALID_LOCATION
    INVALID_QUANTITY_NAME
    INVALID_QUANTITY_NEGATIVE
    INVALID_REASON
    INVALID_REFERENCE_DOCUMENT
    ITEM_NOT_STOCKED_AT_LOCATION
    NON_MUTABLE_INVENTORY_ITEM
    NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR
    IDEMPOTENCY_CONCURRENT_REQUEST
  }
  type InventorySetQuantitiesUserError {
    field: [String!]
    message: String!
    code: InventorySetQuantitiesUserErrorCode
  }
  type InventorySetQuantitiesPayload {
    inventoryAdjustmentGroup: InventoryAdjustmentGroup
    userErrors: [InventorySetQuantitiesUserError!]!
  }

  input WebhookSubscriptionInput {
    callbackUrl: URL
    uri: String
    format: WebhookSubscriptionFormat = JSON
    includeFields: [String!]
    filter: String
  }
  type WebhookSubscriptionCreatePayload {
    webhookSubscription: WebhookSubscription
    userErrors: [UserError!]!
  }
  type WebhookSubscriptionDeletePayload {
    deletedWebhookSubscriptionId: ID
    userErrors: [UserError!]!
  }

  enum OrderDeleteUserErrorCode {
    INVALID
    NOT_FOUND
  }
  type OrderDeleteUserError {
    code: OrderDeleteUserErrorCode
    field: [String!]
    message: String!
  }
  type OrderDeletePayload {
    deletedId: ID
    userErrors: [OrderDeleteUserError!]!
  }
  input ProductDeleteInput {
    id: ID!
  }
  enum ProductOperationStatus {
    CREATED
    ACTIVE
    COMPLETE
  }
  type ProductDeleteOperation {
    id: ID!
    status: ProductOperationStatus!
    deletedProductId: ID
    product: Product
    userErrors: [UserError!]!
  }
  type ProductDeletePayload {
    deletedProductId: ID
    productDeleteOperation: ProductDeleteOperation
    shop: Shop!
    userErrors: [UserError!]!
  }
  input CustomerDeleteInput {
    id: ID!
  }
  type CustomerDeletePayload {
    deletedCustomerId: ID
    shop: Shop!
    userErrors: [UserError!]!
  }

  type Mutation {
    fulfillmentCreate(fulfillment: FulfillmentInput!, message: String): FulfillmentCreatePayload
    fulfillmentTrackingInfoUpdate(
      fulfillmentId: ID!
      trackingInfoInput: FulfillmentTrackingInput!
      notifyCustomer: Boolean
    ): FulfillmentTrackingInfoUpdatePayload
    orderClose(input: OrderCloseInput!): OrderClosePayload
    orderOpen(input: OrderOpenInput!): OrderOpenPayload
    returnRequest(input: ReturnRequestInput!): ReturnRequestPayload
    returnApproveRequest(input: ReturnApproveRequestInput!): ReturnApproveRequestPayload
    returnDeclineRequest(input: ReturnDeclineRequestInput!): ReturnDeclineRequestPayload
    returnCreate(returnInput: ReturnInput!): ReturnCreatePayload
    inventoryAdjustQuantities(input: InventoryAdjustQuantitiesInput!): InventoryAdjustQuantitiesPayload
    inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
    webhookSubscriptionCreate(
      topic: WebhookSubscriptionTopic!
      webhookSubscription: WebhookSubscriptionInput!
    ): WebhookSubscriptionCreatePayload
    webhookSubscriptionDelete(id: ID!): WebhookSubscriptionDeletePayload
    orderDelete(orderId: ID!): OrderDeletePayload
    productDelete(input: ProductDeleteInput!, synchronous: Boolean = true): ProductDeletePayload
    customerDelete(input: CustomerDeleteInput!): CustomerDeletePayload
  }

  schema {
    query: QueryRoot
    mutation: Mutation
  }
`;
